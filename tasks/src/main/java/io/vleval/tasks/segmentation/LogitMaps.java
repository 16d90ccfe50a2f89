package io.vleval.tasks.segmentation;

/**
 * Resizing of per-class logit maps, as {@code F.interpolate(mode='bilinear', align_corners=False)}
 * does (half-pixel centres, edge clamping), and their argmax.
 */
final class LogitMaps {
  private LogitMaps() {}

  /** {@code in[c][y * w + x]} of size h x w resized to outH x outW, per class. */
  static float[][] bilinear(float[][] in, int h, int w, int outH, int outW) {
    float[][] out = new float[in.length][outH * outW];
    int[] y0 = new int[outH];
    int[] y1 = new int[outH];
    float[] fy = new float[outH];
    for (int y = 0; y < outH; y++) {
      double src = Math.max(0, (y + 0.5) * h / outH - 0.5);
      y0[y] = Math.min(h - 1, (int) src);
      y1[y] = Math.min(h - 1, y0[y] + 1);
      fy[y] = (float) (src - y0[y]);
    }
    int[] x0 = new int[outW];
    int[] x1 = new int[outW];
    float[] fx = new float[outW];
    for (int x = 0; x < outW; x++) {
      double src = Math.max(0, (x + 0.5) * w / outW - 0.5);
      x0[x] = Math.min(w - 1, (int) src);
      x1[x] = Math.min(w - 1, x0[x] + 1);
      fx[x] = (float) (src - x0[x]);
    }
    for (int c = 0; c < in.length; c++) {
      float[] src = in[c];
      float[] dst = out[c];
      for (int y = 0; y < outH; y++) {
        int r0 = y0[y] * w;
        int r1 = y1[y] * w;
        float wy = fy[y];
        for (int x = 0; x < outW; x++) {
          float top = src[r0 + x0[x]] * (1 - fx[x]) + src[r0 + x1[x]] * fx[x];
          float bottom = src[r1 + x0[x]] * (1 - fx[x]) + src[r1 + x1[x]] * fx[x];
          dst[y * outW + x] = top * (1 - wy) + bottom * wy;
        }
      }
    }
    return out;
  }

  /** Per pixel, the first class with the largest logit. */
  static int[] argmax(float[][] logits, int pixels) {
    int[] out = new int[pixels];
    for (int i = 0; i < pixels; i++) {
      int best = 0;
      float bestValue = logits[0][i];
      for (int c = 1; c < logits.length; c++) {
        if (logits[c][i] > bestValue) {
          best = c;
          bestValue = logits[c][i];
        }
      }
      out[i] = best;
    }
    return out;
  }
}
