package io.vleval.api.sample;

import java.util.Objects;

/**
 * A per-pixel class map, row-major, one unsigned byte per pixel (0..255; 255 is the usual ignore
 * index).
 */
public record LabelMap(int width, int height, byte[] values) {

  public LabelMap {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "label map size must be positive, got " + width + "x" + height);
    }
    Objects.requireNonNull(values, "values");
    if ((long) width * height != values.length) {
      throw new IllegalArgumentException(
          "expected "
              + ((long) width * height)
              + " values for "
              + width
              + "x"
              + height
              + ", got "
              + values.length);
    }
  }

  /** Class index 0..255 at (x, y). */
  public int at(int x, int y) {
    return values[y * width + x] & 0xFF;
  }
}
