package io.vleval.model.internvl.provider;

import io.vleval.api.spec.Doc;
import io.vleval.api.spec.MustExist;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Options of the {@code internvl} model (YAML keys in snake_case).
 *
 * @param checkpoint a HuggingFace-layout checkpoint directory; exclusive with {@code preset}
 * @param preset a named architecture with seeded random weights; {@code tiny} when neither key is given
 * @param device {@code auto} (a GPU when the engine sees one, else the CPU), {@code cpu} or {@code gpu:N}
 * @param dtype compute type; only {@code float32} is implemented
 * @param batchSize images or texts per forward pass
 * @param head {@code c} or {@code g} for InternVL-C/-G checkpoints
 * @param imageSize input side override (position embeddings are interpolated)
 * @param seed the seed of a preset's random weights (default: the run's seed)
 */
public record InternVlSpec(
        @MustExist @Doc("HuggingFace-layout checkpoint directory (config.json, *.safetensors, tokenizer.json); exclusive with preset")
                Path checkpoint,
        @Doc("random-weight architecture: tiny (default when no checkpoint), internvit-300m-448px, internvit-6b-224px, "
                + "internvit-6b-448px, tiny-internvl (C/G), tiny-chat") String preset,
        @Doc("auto (default: a GPU if PyTorch sees one, else cpu), cpu or gpu:N") String device,
        @Doc("float32 (default; the only compute type implemented), float16, bfloat16") Dtype dtype,
        @Doc("images or texts per forward pass (default 8)") Integer batchSize,
        @Doc("InternVL-C/-G checkpoints: c (contrastive, default) or g (query path, adds captioning)") Head head,
        @Doc("input side in pixels (default: the checkpoint's); position embeddings are interpolated") Integer imageSize,
        @Doc("seed of a preset's random weights (default: the run seed)") Long seed) {

    /** The preset used when neither {@code checkpoint} nor {@code preset} is given. */
    public static final String DEFAULT_PRESET = "tiny";

    private static final Pattern DEVICE = Pattern.compile("auto|cpu|gpu:\\d+");

    /** Compute types. */
    public enum Dtype {
        /** 32-bit floats. */
        FLOAT32,
        /** 16-bit IEEE floats (not implemented). */
        FLOAT16,
        /** bfloat16 (not implemented). */
        BFLOAT16
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
            preset = DEFAULT_PRESET;
        }
        if (preset != null && !Presets.names().contains(preset)) {
            throw new IllegalArgumentException("'preset' = '" + preset + "' is unknown; expected one of " + Presets.names());
        }
        device = device == null ? "auto" : device;
        if (!DEVICE.matcher(device).matches()) {
            throw new IllegalArgumentException("'device' = '" + device + "'; expected auto, cpu or gpu:N");
        }
        dtype = dtype == null ? Dtype.FLOAT32 : dtype;
        if (dtype != Dtype.FLOAT32) {
            throw new IllegalArgumentException("'dtype' = " + dtype.name().toLowerCase(java.util.Locale.ROOT)
                    + " is not implemented: weights are decoded to float32 and every device computes in float32; "
                    + "use dtype: float32");
        }
        batchSize = batchSize == null ? 8 : batchSize;
        if (batchSize < 1) {
            throw new IllegalArgumentException("'batch_size' = " + batchSize + "; expected at least 1");
        }
        head = head == null ? Head.C : head;
        if (imageSize != null && imageSize < 1) {
            throw new IllegalArgumentException("'image_size' = " + imageSize + "; expected a positive number of pixels");
        }
    }
}
