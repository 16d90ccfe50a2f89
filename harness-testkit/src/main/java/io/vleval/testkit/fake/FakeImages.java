package io.vleval.testkit.fake;

import io.vleval.api.sample.RgbImage;

/** Small generated images for tests: solid colours with a stripe, so different inputs differ. */
public final class FakeImages {
  private FakeImages() {}

  /** A {@code size x size} image whose colour is a function of {@code index}. */
  public static RgbImage solid(int index, int size) {
    byte[] rgb = new byte[size * size * 3];
    int r = (index * 67) & 0xFF;
    int g = (index * 131 + 40) & 0xFF;
    int b = (index * 29 + 90) & 0xFF;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int o = (y * size + x) * 3;
        boolean stripe = x == index % size;
        rgb[o] = (byte) (stripe ? 255 - r : r);
        rgb[o + 1] = (byte) g;
        rgb[o + 2] = (byte) b;
      }
    }
    return new RgbImage(size, size, rgb);
  }
}
