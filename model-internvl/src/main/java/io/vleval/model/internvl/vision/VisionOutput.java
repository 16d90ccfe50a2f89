package io.vleval.model.internvl.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.List;

/**
 * What one InternViT forward pass returns; every array belongs to the manager of the input pixels.
 *
 * @param lastHiddenState the last block's output, {@code [B, 1 + h*w, C]} (no final norm)
 * @param pooled the CLS token of {@code lastHiddenState}, {@code [B, C]}
 * @param denseFeatures the patch tokens as a feature map, {@code [B, C, h, w]}
 * @param hiddenStates when requested, the embedding output then each block's output (1 + layers
 *     arrays of {@code [B, 1 + h*w, C]}); otherwise empty
 */
public record VisionOutput(
    NDArray lastHiddenState, NDArray pooled, NDArray denseFeatures, List<NDArray> hiddenStates) {

  /** Copies the list. */
  public VisionOutput {
    hiddenStates = List.copyOf(hiddenStates);
  }

  /**
   * Returns the three main outputs as the block's output list.
   *
   * @return {@code (lastHiddenState, pooled, denseFeatures)}
   */
  public NDList toNDList() {
    return new NDList(lastHiddenState, pooled, denseFeatures);
  }
}
