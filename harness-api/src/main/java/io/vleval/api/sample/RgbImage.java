package io.vleval.api.sample;

import java.util.Objects;

/**
 * A decoded 8-bit RGB image, row-major and interleaved ({@code r,g,b,r,g,b,...}).
 *
 * <p>This is the one image type that crosses the SPI: datasets decode into it and models preprocess
 * from it, so neither needs to know the other's formats.
 */
public record RgbImage(int width, int height, byte[] rgb) {

  public RgbImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "image size must be positive, got " + width + "x" + height);
    }
    Objects.requireNonNull(rgb, "rgb");
    if ((long) width * height * 3 != rgb.length) {
      throw new IllegalArgumentException(
          "expected "
              + ((long) width * height * 3)
              + " bytes for "
              + width
              + "x"
              + height
              + ", got "
              + rgb.length);
    }
  }

  /** Channel value 0..255 of pixel (x, y); channel 0 = red, 1 = green, 2 = blue. */
  public int channel(int x, int y, int c) {
    return rgb[(y * width + x) * 3 + c] & 0xFF;
  }
}
