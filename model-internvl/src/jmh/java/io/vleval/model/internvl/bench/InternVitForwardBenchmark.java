package io.vleval.model.internvl.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.config.NormType;
import io.vleval.model.internvl.vision.InternVit;
import io.vleval.model.internvl.vision.VisionOutput;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * InternViT forward on the CPU in float32 for a ViT-B-sized configuration (hidden 768, 12 layers,
 * 12 heads, MLP 3072, LayerNorm, no QK-norm, 224 px), patch 16 (197 tokens) and patch 14 (257
 * tokens), batch 1 and 8. One operation is one batch, including creating its pixels in a fresh
 * sub-manager and releasing it, as a harness batch does. Images/s = batch / (seconds per op).
 * PyTorch intra-op threads are set to the number of available processors.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 4, time = 10)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Dai.djl.offline=true"})
public class InternVitForwardBenchmark {

  @Param({"16", "14"})
  public int patch;

  @Param({"1", "8"})
  public int batch;

  private InternVit vit;
  private float[] pixels;

  @Setup(Level.Trial)
  public void setUp() {
    // must precede the engine's start, which reads it once
    System.setProperty(
        "ai.djl.pytorch.num_threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
    InternVitConfig config =
        InternVitConfig.builder()
            .hiddenSize(768)
            .numAttentionHeads(12)
            .intermediateSize(3072)
            .numHiddenLayers(12)
            .normType(NormType.LAYER_NORM)
            .qkNormalization(false)
            .qkvBias(true)
            .patchSize(patch)
            .imageSize(224)
            .build();
    vit = InternVit.random(config, 0);
    SplittableRandom r = new SplittableRandom(1);
    pixels = new float[batch * 3 * 224 * 224];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) r.nextGaussian();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    vit.close();
  }

  @Benchmark
  public float forward() {
    try (NDManager m = vit.manager().newSubManager()) {
      NDArray x = m.create(pixels, new Shape(batch, 3, 224, 224));
      VisionOutput out = vit.forward(x);
      return out.pooled().getFloat(0, 0);
    }
  }
}
