package io.vleval.preprocess;

import io.vleval.api.sample.RgbImage;

/**
 * An image's downsampled colour layout: the mean RGB, in [0, 1], over each cell of a {@code rows x
 * cols} grid (cell-major, then channel). The feature of the pixel baselines.
 */
public final class ColourLayout {
  private ColourLayout() {}

  public static float[] of(RgbImage image, int rows, int cols) {
    float[] out = new float[rows * cols * 3];
    int[] counts = new int[rows * cols];
    byte[] rgb = image.rgb();
    for (int y = 0; y < image.height(); y++) {
      int r = (int) ((long) y * rows / image.height());
      for (int x = 0; x < image.width(); x++) {
        int c = (int) ((long) x * cols / image.width());
        int cell = r * cols + c;
        int o = (y * image.width() + x) * 3;
        counts[cell]++;
        out[cell * 3] += rgb[o] & 0xFF;
        out[cell * 3 + 1] += rgb[o + 1] & 0xFF;
        out[cell * 3 + 2] += rgb[o + 2] & 0xFF;
      }
    }
    for (int cell = 0; cell < counts.length; cell++) {
      // cells can be empty when the image is smaller than the grid: they stay 0
      float n = Math.max(1, counts[cell]) * 255f;
      for (int ch = 0; ch < 3; ch++) {
        out[cell * 3 + ch] /= n;
      }
    }
    return out;
  }
}
