package io.vleval.tasks.segmentation.pipeline;

import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;

/**
 * {@code cv2.resize} on 8-bit images as OpenCV 4.6 computes it on x86-64, which is what {@code
 * mmcv.imresize} calls for every resize of the reference pipelines.
 *
 * <ul>
 *   <li>{@code INTER_LINEAR}: half-pixel centres ({@code (d + 0.5) * src / dst - 0.5}, in double,
 *       then float), 11-bit fixed-point weights ({@code rint(w * 2048)}), an exact integer
 *       horizontal pass, then the vertical pass as OpenCV's SIMD code computes it: each horizontal
 *       sum shifted right by 4, the 16-bit high halves of its products with the row weights added
 *       with saturation, then {@code (x + 2) >> 2}; columns past the last source column take that
 *       column, rows above the first or below the last take the edge row.
 *   <li>An exact 2x downscale in both directions is {@code INTER_AREA} in OpenCV: each pixel is
 *       {@code (a + b + c + d + 2) >> 2} of its 2x2 block.
 *   <li>{@code INTER_NEAREST}: source index {@code min(floor(d * (1 / (dst / src))), src - 1)}.
 * </ul>
 */
public final class CvResize {
  private static final int COEF_SCALE = 2048;

  private CvResize() {}

  /** Bilinear ({@code INTER_LINEAR}) resize of an image. */
  public static RgbImage linear(RgbImage image, int width, int height) {
    return new RgbImage(
        width, height, linear(image.rgb(), image.width(), image.height(), 3, width, height));
  }

  /** Nearest-neighbour ({@code INTER_NEAREST}) resize of a label map. */
  public static LabelMap nearest(LabelMap labels, int width, int height) {
    return new LabelMap(
        width, height, nearest(labels.values(), labels.width(), labels.height(), 1, width, height));
  }

  /** {@code INTER_LINEAR} on interleaved {@code channels}-channel rows. */
  public static byte[] linear(byte[] src, int w, int h, int channels, int dw, int dh) {
    if (dw == w && dh == h) {
      return src.clone();
    }
    double scaleX = 1.0 / ((double) dw / w);
    double scaleY = 1.0 / ((double) dh / h);
    if (scaleX == 2 && scaleY == 2) {
      return halve(src, w, channels, dw, dh);
    }
    int[] xs = new int[dw];
    int[] a0 = new int[dw];
    int[] a1 = new int[dw];
    int xmax = dw;
    for (int d = 0; d < dw; d++) {
      float f = (float) ((d + 0.5) * scaleX - 0.5);
      int s = (int) Math.floor(f);
      f -= s;
      if (s < 0) {
        f = 0;
        s = 0;
      }
      if (s + 1 >= w) {
        xmax = Math.min(xmax, d);
        if (s >= w - 1) {
          f = 0;
          s = w - 1;
        }
      }
      xs[d] = s;
      a0[d] = (int) Math.rint((1f - f) * COEF_SCALE);
      a1[d] = (int) Math.rint(f * COEF_SCALE);
    }
    // horizontal pass, every source row
    int rowLength = dw * channels;
    int[][] rows = new int[h][rowLength];
    for (int y = 0; y < h; y++) {
      int base = y * w * channels;
      int[] row = rows[y];
      for (int d = 0; d < dw; d++) {
        for (int c = 0; c < channels; c++) {
          int s0 = src[base + xs[d] * channels + c] & 0xFF;
          row[d * channels + c] =
              d >= xmax
                  ? s0 * COEF_SCALE
                  : s0 * a0[d] + (src[base + (xs[d] + 1) * channels + c] & 0xFF) * a1[d];
        }
      }
    }
    byte[] out = new byte[dh * rowLength];
    for (int d = 0; d < dh; d++) {
      float f = (float) ((d + 0.5) * scaleY - 0.5);
      int s = (int) Math.floor(f);
      f -= s;
      int b0 = (int) Math.rint((1f - f) * COEF_SCALE);
      int b1 = (int) Math.rint(f * COEF_SCALE);
      int[] r0 = rows[Math.min(Math.max(s, 0), h - 1)];
      int[] r1 = rows[Math.min(Math.max(s + 1, 0), h - 1)];
      int o = d * rowLength;
      for (int x = 0; x < rowLength; x++) {
        int t0 = saturate16(r0[x] >> 4);
        int t1 = saturate16(r1[x] >> 4);
        int m = saturate16(((t0 * b0) >> 16) + ((t1 * b1) >> 16));
        out[o + x] = (byte) Math.min(255, Math.max(0, (m + 2) >> 2));
      }
    }
    return out;
  }

  private static byte[] halve(byte[] src, int w, int channels, int dw, int dh) {
    byte[] out = new byte[dw * dh * channels];
    int stride = w * channels;
    for (int y = 0; y < dh; y++) {
      for (int x = 0; x < dw; x++) {
        for (int c = 0; c < channels; c++) {
          int i = 2 * y * stride + 2 * x * channels + c;
          int sum =
              (src[i] & 0xFF)
                  + (src[i + channels] & 0xFF)
                  + (src[i + stride] & 0xFF)
                  + (src[i + stride + channels] & 0xFF);
          out[(y * dw + x) * channels + c] = (byte) ((sum + 2) >> 2);
        }
      }
    }
    return out;
  }

  /** {@code INTER_NEAREST} on interleaved {@code channels}-channel rows. */
  public static byte[] nearest(byte[] src, int w, int h, int channels, int dw, int dh) {
    double fx = 1.0 / ((double) dw / w);
    double fy = 1.0 / ((double) dh / h);
    byte[] out = new byte[dw * dh * channels];
    for (int y = 0; y < dh; y++) {
      int sy = Math.min((int) Math.floor(y * fy), h - 1);
      for (int x = 0; x < dw; x++) {
        int sx = Math.min((int) Math.floor(x * fx), w - 1);
        System.arraycopy(src, (sy * w + sx) * channels, out, (y * dw + x) * channels, channels);
      }
    }
    return out;
  }

  private static int saturate16(int v) {
    return Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
  }
}
