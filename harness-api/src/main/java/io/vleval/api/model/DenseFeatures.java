package io.vleval.api.model;

/**
 * A grid of patch features for one image: {@code values[(row * gridWidth + col) * channels + c]}.
 */
public record DenseFeatures(int gridHeight, int gridWidth, int channels, float[] values) {
  public DenseFeatures {
    if ((long) gridHeight * gridWidth * channels != values.length) {
      throw new IllegalArgumentException(
          "values do not fit a " + gridHeight + "x" + gridWidth + "x" + channels + " grid");
    }
  }
}
