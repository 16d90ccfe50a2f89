package io.vleval.tasks.segmentation.pipeline;

/**
 * OpenCV 4.6's 8-bit RGB/HSV conversions ({@code cv2.COLOR_BGR2HSV} and {@code COLOR_HSV2BGR} on
 * the BGR arrays mmcv reads, here on RGB pixels), which the reference's photometric distortion
 * applies around its saturation and hue steps. H is in [0, 180), S and V in [0, 255].
 *
 * <p>To HSV is integer arithmetic (12-bit fixed-point division tables). Back to RGB is float
 * arithmetic that OpenCV computes two ways within a row: pixels in whole blocks of 32 take its
 * vectorised path (AVX2: sector from truncation, {@code 1 - s*h} and {@code 1 - s*(1 - h)} with
 * fused multiply-adds, values truncated), the remaining pixels of the row its scalar path ({@code
 * fmod}, {@code 1 - s*h} fused, {@code 1 - s*(1 - h)} not, values rounded half to even). Both are
 * reproduced bit for bit.
 */
public final class CvHsv {
  private static final int SHIFT = 12;
  private static final int[] SDIV = new int[256];
  private static final int[] HDIV = new int[256];
  private static final int BLOCK = 32;
  private static final float HSCALE = 6.0f / 180;
  private static final float INV255 = 1.0f / 255.0f;
  private static final int[][] SECTORS = {
    {1, 3, 0}, {1, 0, 2}, {3, 0, 1}, {0, 2, 1}, {0, 1, 3}, {2, 1, 0}
  };

  static {
    for (int i = 1; i < 256; i++) {
      SDIV[i] = (int) Math.rint((255 << SHIFT) / (1.0 * i));
      HDIV[i] = (int) Math.rint((180 << SHIFT) / (6.0 * i));
    }
  }

  private CvHsv() {}

  /** Interleaved RGB to interleaved HSV, in place of a copy. */
  public static byte[] rgbToHsv(byte[] rgb) {
    byte[] out = new byte[rgb.length];
    for (int i = 0; i < rgb.length; i += 3) {
      int r = rgb[i] & 0xFF;
      int g = rgb[i + 1] & 0xFF;
      int b = rgb[i + 2] & 0xFF;
      int v = Math.max(b, Math.max(g, r));
      int vmin = Math.min(b, Math.min(g, r));
      int diff = v - vmin;
      int vr = v == r ? -1 : 0;
      int vg = v == g ? -1 : 0;
      int s = (diff * SDIV[v] + (1 << (SHIFT - 1))) >> SHIFT;
      int h = (vr & (g - b)) + (~vr & ((vg & (b - r + 2 * diff)) + (~vg & (r - g + 4 * diff))));
      h = (h * HDIV[diff] + (1 << (SHIFT - 1))) >> SHIFT;
      h += h < 0 ? 180 : 0;
      out[i] = (byte) h;
      out[i + 1] = (byte) s;
      out[i + 2] = (byte) v;
    }
    return out;
  }

  /** Interleaved HSV to interleaved RGB, for an image {@code width} pixels wide. */
  public static byte[] hsvToRgb(byte[] hsv, int width) {
    byte[] out = new byte[hsv.length];
    int simd = width / BLOCK * BLOCK;
    float[] rgb = new float[3];
    for (int p = 0; p < hsv.length / 3; p++) {
      int i = p * 3;
      float h = hsv[i] & 0xFF;
      float s = (hsv[i + 1] & 0xFF) * INV255;
      float v = (hsv[i + 2] & 0xFF) * INV255;
      if (p % width < simd) {
        vectorised(h, s, v, rgb);
        for (int c = 0; c < 3; c++) {
          out[i + c] = (byte) Math.max(0, Math.min(255, (int) (rgb[c] * 255.0f)));
        }
      } else {
        scalar(h, s, v, rgb);
        for (int c = 0; c < 3; c++) {
          out[i + c] = (byte) Math.max(0, Math.min(255, (int) Math.rint(rgb[c] * 255.0f)));
        }
      }
    }
    return out;
  }

  private static void vectorised(float h, float s, float v, float[] rgb) {
    h *= HSCALE;
    float pre = (float) (int) h;
    h -= pre;
    float[] tab = {
      v, v * (1f - s), v * Math.fma(-s, h, 1f), v * Math.fma(-s, 1f - h, 1f),
    };
    int sector = (int) (pre - (float) (int) (pre * (1.0f / 6.0f)) * 6f);
    pick(tab, sector, rgb);
  }

  private static void scalar(float h, float s, float v, float[] rgb) {
    if (s == 0) {
      rgb[0] = v;
      rgb[1] = v;
      rgb[2] = v;
      return;
    }
    h *= HSCALE;
    h = h % 6f;
    int sector = (int) Math.floor(h);
    h -= sector;
    if (sector < 0 || sector >= 6) {
      sector = 0;
      h = 0f;
    }
    float[] tab = {v, v * (1f - s), v * Math.fma(-s, h, 1f), v * (1f - s * (1f - h))};
    pick(tab, sector, rgb);
  }

  /** OpenCV's sector table gives b, g, r; stored here as r, g, b. */
  private static void pick(float[] tab, int sector, float[] rgb) {
    rgb[2] = tab[SECTORS[sector][0]];
    rgb[1] = tab[SECTORS[sector][1]];
    rgb[0] = tab[SECTORS[sector][2]];
  }
}
