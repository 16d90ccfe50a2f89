package io.vleval.tasks.segmentation.decode;

import ai.djl.ndarray.NDArray;

/**
 * mmseg's {@code BaseDecodeHead.losses} summed over the decode and auxiliary heads: each head's
 * logits resized bilinearly (align_corners False) to the label map, then {@code CrossEntropyLoss}
 * (ignore index 255, mean over every pixel, ignored ones included, as {@code avg_non_ignore=False})
 * times the head's loss weight (1 for the decode head).
 */
public final class SegmentationLoss {
  /** The ignore index. */
  public static final int IGNORE = 255;

  private SegmentationLoss() {}

  /**
   * @param labels {@code B * height * width} class indices or {@link #IGNORE}
   */
  public static NDArray of(DecodeHead.Outputs out, int[] labels, int height, int width) {
    NDArray loss = Ops.crossEntropy(Ops.bilinear(out.logits(), height, width), labels, IGNORE, 1.0);
    for (DecodeHead.Auxiliary aux : out.auxiliary()) {
      loss =
          loss.add(
              Ops.crossEntropy(
                  Ops.bilinear(aux.logits(), height, width), labels, IGNORE, aux.weight()));
    }
    return loss;
  }
}
