package io.vleval.tasks.linearprobe;

import io.vleval.api.model.BlockFeatureExtractor;
import io.vleval.api.model.BlockFeatures;
import io.vleval.api.model.Capability;
import io.vleval.api.model.DenseFeatures;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.Model;
import io.vleval.api.sample.RgbImage;
import java.util.List;

/** What the probe's head reads from the frozen backbone. */
public enum ProbeFeature {
  /**
   * The reference's {@code cls_target='cls_patch_concat'}: the chosen block's class token
   * concatenated with the mean of its patch tokens, no final norm ({@code 2C} values).
   */
  CLS_PATCH_CONCAT(BlockFeatureExtractor.class),
  /**
   * The reference's {@code cls_target='attention_pooling'}: every token of the chosen block (class
   * token first), pooled by a trained attention-pooling block before the BN + linear head.
   */
  ATTENTION_POOLING(BlockFeatureExtractor.class),
  /** The model's image embedding ({@link ImageEmbedder}), for models without blocks. */
  EMBEDDING(ImageEmbedder.class);

  private final Class<? extends Capability> capability;

  ProbeFeature(Class<? extends Capability> capability) {
    this.capability = capability;
  }

  /** The capability this feature needs of a model. */
  public Class<? extends Capability> capability() {
    return capability;
  }

  /** Whether this feature reads a block of the backbone. */
  public boolean readsBlocks() {
    return capability == BlockFeatureExtractor.class;
  }

  /** {@code torch.cat((x[:, 0, :], x[:, 1:, :].mean(dim=1)), dim=-1)} of one block's output. */
  public static float[] clsPatchConcat(BlockFeatures block) {
    float[] cls = block.classToken();
    DenseFeatures p = block.patches();
    int c = p.channels();
    int cells = p.gridHeight() * p.gridWidth();
    double[] sum = new double[c];
    float[] values = p.values();
    for (int i = 0; i < cells; i++) {
      for (int d = 0; d < c; d++) {
        sum[d] += values[i * c + d];
      }
    }
    float[] out = new float[2 * c];
    System.arraycopy(cls, 0, out, 0, c);
    for (int d = 0; d < c; d++) {
      out[c + d] = (float) (sum[d] / cells);
    }
    return out;
  }

  /** Every token of one block, class token first, row-major: {@code (1 + cells) x C} values. */
  public static float[] tokens(BlockFeatures block) {
    float[] cls = block.classToken();
    float[] patches = block.patches().values();
    float[] out = new float[cls.length + patches.length];
    System.arraycopy(cls, 0, out, 0, cls.length);
    System.arraycopy(patches, 0, out, cls.length, patches.length);
    return out;
  }

  /** Computes this feature for images, brought to {@code side x side} as {@code view} says. */
  public interface Source {
    float[][] of(List<RgbImage> images, ImageView view);
  }

  /**
   * This feature of {@code model}: block {@code block} at input side {@code side} for the block
   * features, the embedding (which brings images to its own input size) otherwise.
   */
  public Source source(Model model, int block, int side) {
    if (this == EMBEDDING) {
      ImageEmbedder embedder = model.require(ImageEmbedder.class);
      return embedder::embedImages;
    }
    BlockFeatureExtractor extractor = model.require(BlockFeatureExtractor.class);
    return (images, view) -> {
      List<List<BlockFeatures>> blocks = extractor.extract(images, view, side, List.of(block));
      float[][] out = new float[images.size()][];
      for (int i = 0; i < out.length; i++) {
        BlockFeatures b = blocks.get(i).get(0);
        out[i] = this == CLS_PATCH_CONCAT ? clsPatchConcat(b) : tokens(b);
      }
      return out;
    };
  }
}
