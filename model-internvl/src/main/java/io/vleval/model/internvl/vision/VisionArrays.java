package io.vleval.model.internvl.vision;

import java.util.Arrays;

/**
 * A forward pass copied into plain Java arrays, for callers that hold no NDArrays.
 *
 * @param hiddenSize C
 * @param gridHeight h, patch rows
 * @param gridWidth w, patch columns
 * @param lastHiddenState per sample, {@code [(1 + h*w) * C]} row-major (token, channel), CLS first
 * @param pooled per sample, the CLS token {@code [C]}
 */
public record VisionArrays(
    int hiddenSize, int gridHeight, int gridWidth, float[][] lastHiddenState, float[][] pooled) {

  /**
   * Returns the number of samples.
   *
   * @return B
   */
  public int batchSize() {
    return pooled.length;
  }

  /**
   * Returns one sample's patch tokens as a channels-last grid, {@code [h * w * C]} (row, column,
   * channel).
   *
   * @param sample the sample index
   * @return a fresh copy of the dense features
   */
  public float[] denseFeatures(int sample) {
    return Arrays.copyOfRange(lastHiddenState[sample], hiddenSize, lastHiddenState[sample].length);
  }
}
