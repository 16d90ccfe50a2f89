package io.vleval.training.spec;

import io.vleval.api.spec.Doc;
import io.vleval.model.internvl.nd.Devices;
import java.nio.file.Path;

/**
 * Run-wide settings of {@code vleval train}.
 *
 * @param name the run's name
 * @param seed every random choice (weights, shuffling, negatives) derives from it
 * @param out where stage folders go
 * @param threads PyTorch intra-op threads (0 = the engine's default)
 * @param device where the stages train: {@code cpu} (default), {@code auto} (every GPU PyTorch
 *     sees, else the CPU), {@code gpu:N}, or a comma-separated list of devices, each holding a
 *     replica (data parallelism)
 * @param precision {@code float32} (default) or {@code mixed-float16}
 */
public record TrainSettings(
    @Doc("the run's name (default: the config file's name)") String name,
    @Doc("seed of weights, shuffling and sampling (default 0)") Long seed,
    @Doc("where stage folders go (default: train-runs/<name> beside the config)") Path out,
    @Doc("PyTorch intra-op threads, 0 for the engine's default (default 0)") Integer threads,
    @Doc(
            "cpu (default), auto (every GPU PyTorch sees, data-parallel, else the CPU), gpu:N, or a list such as "
                + "gpu:0,gpu:1 (one replica each, data-parallel); only cpu with threads: 1 is reproducible bit for bit")
        String device,
    @Doc(
            "float32 (default) or mixed-float16: float16 weights and activations, float32 master weights and "
                + "optimizer state, dynamic loss scaling")
        String precision) {

  /** The mixed-precision setting. */
  public static final String MIXED_FLOAT16 = "mixed-float16";

  /** Defaults and checks. */
  public TrainSettings {
    seed = seed == null ? 0L : seed;
    threads = threads == null ? 0 : threads;
    device = device == null ? "cpu" : device;
    if (!Devices.TRAINING_SPEC.matcher(device).matches()) {
      throw new IllegalArgumentException(
          "'device' = '" + device + "'; expected cpu, auto, gpu:N or a list such as gpu:0,gpu:1");
    }
    precision = precision == null ? "float32" : precision;
    if (!precision.equals("float32") && !precision.equals(MIXED_FLOAT16)) {
      throw new IllegalArgumentException(
          "'precision' = '" + precision + "'; expected float32 or " + MIXED_FLOAT16);
    }
  }
}
