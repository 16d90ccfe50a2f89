package io.vleval.model.internvl.provider;

import ai.djl.ndarray.types.DataType;
import io.vleval.api.spec.Doc;
import io.vleval.api.spec.MustExist;
import io.vleval.model.internvl.nd.Devices;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Options of the {@code internvl} model (YAML keys in snake_case).
 *
 * @param checkpoint a HuggingFace-layout checkpoint directory; exclusive with {@code preset}
 * @param preset a named architecture with seeded random weights; one of the two must be given, so
 *     that random weights are only ever evaluated when asked for by name
 * @param device {@code auto} (every GPU the engine sees, else the CPU), {@code cpu}, {@code gpu:N}
 *     or a comma-separated list ({@code gpu:0,gpu:1}): one model replica per listed device, each
 *     batch dealt across them
 * @param dtype compute type: {@code float32} or {@code float16}; {@code bfloat16} is refused (see
 *     {@link Dtype})
 * @param batchSize images or texts per forward pass
 * @param head {@code c} or {@code g} for InternVL-C/-G checkpoints
 * @param imageSize input side override (position embeddings are interpolated)
 * @param seed the seed of a preset's random weights (default: the run's seed)
 */
public record InternVlSpec(
    @MustExist
        @Doc(
            "HuggingFace-layout checkpoint directory (config.json, *.safetensors, tokenizer.json); exclusive with preset")
        Path checkpoint,
    @Doc(
            "seeded random weights instead of a checkpoint (one of the two is required): tiny, internvit-300m-448px, "
                + "internvit-6b-224px, internvit-6b-448px, tiny-internvl (C/G), tiny-chat")
        String preset,
    @Doc(
            "auto (default: every GPU PyTorch sees, else cpu), cpu, gpu:N, or a list (gpu:0,gpu:1): one replica per device")
        String device,
    @Doc(
            "compute type: float32 (default) or float16 (half precision; bfloat16 is refused: DJL 0.36 cannot hold it)")
        Dtype dtype,
    @Doc("images or texts per forward pass (default 8)") Integer batchSize,
    @Doc("InternVL-C/-G checkpoints: c (contrastive, default) or g (query path, adds captioning)")
        Head head,
    @Doc("input side in pixels (default: the checkpoint's); position embeddings are interpolated")
        Integer imageSize,
    @Doc("seed of a preset's random weights (default: the run seed)") Long seed) {

  /**
   * Compute types. Weights of any stored type (F32, F16, BF16) are decoded to float32 and cast once
   * to the compute type; inputs are cast at the model's entry and results read back as float32.
   */
  public enum Dtype {
    /** 32-bit floats. */
    FLOAT32,
    /**
     * 16-bit IEEE floats, with RMSNorm statistics, attention softmax of the LLMs and
     * position-embedding resizing in float32 as the reference.
     */
    FLOAT16,
    /**
     * bfloat16: refused. DJL 0.36's PyTorch JNI aborts the JVM when it creates or converts to a
     * bfloat16 tensor, so no bfloat16 array can exist in this process.
     */
    BFLOAT16;

    /**
     * @return the YAML spelling
     */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @return DJL's type for this compute type
     */
    public DataType dataType() {
      return switch (this) {
        case FLOAT32 -> DataType.FLOAT32;
        case FLOAT16 -> DataType.FLOAT16;
        case BFLOAT16 -> throw new IllegalStateException("bfloat16 is refused by the spec");
      };
    }
  }

  /** The InternVL-C/-G image path. */
  public enum Head {
    /** InternVL-C: attention pooling of the InternViT tokens. */
    C,
    /** InternVL-G: C ensembled with QLLaMA's query path; adds captioning. */
    G
  }

  /** Applies defaults and refuses inconsistent options. */
  public InternVlSpec {
    if (checkpoint != null && preset != null) {
      throw new IllegalArgumentException("give either 'checkpoint' or 'preset', not both");
    }
    if (checkpoint == null && preset == null) {
      // never fall back to random weights: a model named like a real one would score at chance
      throw new IllegalArgumentException(
          "neither 'checkpoint' nor 'preset' is set; give 'checkpoint' (a HuggingFace-layout"
              + " checkpoint folder) or, for seeded random weights, 'preset' (one of "
              + String.join(", ", Presets.names())
              + ")");
    }
    if (preset != null && !Presets.names().contains(preset)) {
      throw new IllegalArgumentException(
          "'preset' = '" + preset + "' is unknown; expected one of " + Presets.names());
    }
    device = device == null ? "auto" : device;
    if (!Devices.LIST_SPEC.matcher(device).matches()) {
      throw new IllegalArgumentException(
          "'device' = '"
              + device
              + "'; expected auto, cpu, gpu:N or a comma-separated list of them without spaces"
              + " (gpu:0,gpu:1)");
    }
    dtype = dtype == null ? Dtype.FLOAT32 : dtype;
    if (dtype == Dtype.BFLOAT16) {
      throw new IllegalArgumentException(
          "'dtype' = bfloat16 cannot run here: DJL 0.36's PyTorch engine aborts the "
              + "JVM on bfloat16 tensors; use float16 (half precision) or float32 (BF16 checkpoints load into either)");
    }
    batchSize = batchSize == null ? 8 : batchSize;
    if (batchSize < 1) {
      throw new IllegalArgumentException("'batch_size' = " + batchSize + "; expected at least 1");
    }
    head = head == null ? Head.C : head;
    if (imageSize != null && imageSize < 1) {
      throw new IllegalArgumentException(
          "'image_size' = " + imageSize + "; expected a positive number of pixels");
    }
  }
}
