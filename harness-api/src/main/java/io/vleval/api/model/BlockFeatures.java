package io.vleval.api.model;

/**
 * One transformer block's output for one image, before any final norm: the class token and the
 * patch tokens as a grid.
 *
 * @param block the block's 0-based index
 * @param classToken the class token, {@code channels} values
 * @param patches the patch tokens, row-major, channels last
 */
public record BlockFeatures(int block, float[] classToken, DenseFeatures patches) {
  public BlockFeatures {
    if (classToken.length != patches.channels()) {
      throw new IllegalArgumentException(
          "class token has "
              + classToken.length
              + " values, the patches "
              + patches.channels()
              + " channels");
    }
  }
}
