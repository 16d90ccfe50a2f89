package io.vleval.datasets.image;

import io.vleval.api.sample.RgbImage;

/**
 * Reads the EXIF orientation tag (0x0112) from a JPEG's APP1 segment and applies it the way PIL's
 * {@code ImageOps.exif_transpose} does. The parser is bounds-checked throughout: a missing,
 * truncated or malformed EXIF block means "no orientation" (value 1), never an out-of-bounds read.
 */
final class ExifOrientation {
  private static final int TAG_ORIENTATION = 0x0112;
  private static final int TYPE_SHORT = 3;

  private ExifOrientation() {}

  /** The orientation 1..8 stored in the JPEG's first EXIF block, or 1 when there is none. */
  static int read(byte[] jpeg) {
    if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
      return 1;
    }
    int p = 2;
    while (p + 4 <= jpeg.length) {
      if ((jpeg[p] & 0xFF) != 0xFF) {
        return 1;
      }
      int marker = jpeg[p + 1] & 0xFF;
      if (marker == 0xFF) { // fill byte before a marker
        p++;
        continue;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) { // markers without a length
        p += 2;
        continue;
      }
      if (marker == 0xDA || marker == 0xD9) { // start of scan or end of image: no metadata after
        return 1;
      }
      int length = u16(jpeg, p + 2, false);
      if (length < 2 || (long) p + 2 + length > jpeg.length) {
        return 1;
      }
      if (marker == 0xE1 && length >= 2 + 6 + 8 && isExifHeader(jpeg, p + 4)) {
        int orientation = fromTiff(jpeg, p + 10, length - 8);
        if (orientation != 0) {
          return orientation;
        }
      }
      p += 2 + length;
    }
    return 1;
  }

  private static boolean isExifHeader(byte[] b, int at) {
    return b[at] == 'E'
        && b[at + 1] == 'x'
        && b[at + 2] == 'i'
        && b[at + 3] == 'f'
        && b[at + 4] == 0
        && b[at + 5] == 0;
  }

  /**
   * Orientation from IFD0 of the TIFF block at [start, start + length), or 0 when absent or
   * invalid.
   */
  private static int fromTiff(byte[] b, int start, int length) {
    if (length < 8) {
      return 0;
    }
    boolean little;
    if (b[start] == 'I' && b[start + 1] == 'I') {
      little = true;
    } else if (b[start] == 'M' && b[start + 1] == 'M') {
      little = false;
    } else {
      return 0;
    }
    if (u16(b, start + 2, little) != 42) {
      return 0;
    }
    long ifd = u32(b, start + 4, little);
    if (ifd < 8 || ifd + 2 > length) {
      return 0;
    }
    int entries = u16(b, start + (int) ifd, little);
    int first = start + (int) ifd + 2;
    for (int i = 0; i < entries; i++) {
      int e = first + 12 * i;
      if ((long) e + 12 > (long) start + length) {
        return 0;
      }
      if (u16(b, e, little) == TAG_ORIENTATION) {
        if (u16(b, e + 2, little) != TYPE_SHORT || u32(b, e + 4, little) != 1) {
          return 0;
        }
        int value = u16(b, e + 8, little);
        return value >= 1 && value <= 8 ? value : 0;
      }
    }
    return 0;
  }

  private static int u16(byte[] b, int at, boolean little) {
    int b0 = b[at] & 0xFF;
    int b1 = b[at + 1] & 0xFF;
    return little ? b0 | (b1 << 8) : (b0 << 8) | b1;
  }

  private static long u32(byte[] b, int at, boolean little) {
    long hi = u16(b, at + (little ? 2 : 0), little);
    long lo = u16(b, at + (little ? 0 : 2), little);
    return (hi << 16) | lo;
  }

  /**
   * The image as it should be displayed for the given orientation: 2 mirror, 3 rotate 180, 4 flip,
   * 5 transpose, 6 rotate 90 clockwise, 7 transverse, 8 rotate 90 counter-clockwise.
   */
  static RgbImage apply(RgbImage image, int orientation) {
    if (orientation <= 1 || orientation > 8) {
      return image;
    }
    int w = image.width();
    int h = image.height();
    boolean swap = orientation >= 5;
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    byte[] in = image.rgb();
    byte[] out = new byte[in.length];
    int o = 0;
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> {
            sx = w - 1 - ox;
            sy = oy;
          }
          case 3 -> {
            sx = w - 1 - ox;
            sy = h - 1 - oy;
          }
          case 4 -> {
            sx = ox;
            sy = h - 1 - oy;
          }
          case 5 -> {
            sx = oy;
            sy = ox;
          }
          case 6 -> {
            sx = oy;
            sy = h - 1 - ox;
          }
          case 7 -> {
            sx = w - 1 - oy;
            sy = h - 1 - ox;
          }
          default -> {
            sx = w - 1 - oy;
            sy = ox;
          } // 8
        }
        int s = (sy * w + sx) * 3;
        out[o++] = in[s];
        out[o++] = in[s + 1];
        out[o++] = in[s + 2];
      }
    }
    return new RgbImage(ow, oh, out);
  }
}
