package io.vleval.model.internvl.vision;

/**
 * PyTorch's bicubic resampling ({@code F.interpolate(mode='bicubic', align_corners=False)}: cubic
 * convolution with A = -0.75, border indices clamped, no antialias even when shrinking) written as
 * one dense weight matrix per axis, so that resizing a grid is two matrix products that DJL can
 * differentiate through.
 */
public final class BicubicInterpolation {

  private static final float A = -0.75f;

  private BicubicInterpolation() {}

  /**
   * Returns the interpolation matrix along one axis, row-major {@code [outSize][inSize]}: output
   * sample {@code i} is {@code sum_j W[i][j] * input[j]}. Coordinates follow PyTorch exactly
   * (computed in float32): {@code src = (in/out) * (i + 0.5) - 0.5}, base index {@code
   * min(floor(src), in - 1)}, fraction clamped to [0, 1], taps at base-1..base+2 clamped to the
   * border.
   *
   * @param inSize the input length
   * @param outSize the output length
   * @return the {@code outSize * inSize} weights
   */
  public static float[] weights(int inSize, int outSize) {
    if (inSize <= 0 || outSize <= 0) {
      throw new IllegalArgumentException("sizes must be positive: " + inSize + " -> " + outSize);
    }
    float[] w = new float[outSize * inSize];
    float scale = (float) inSize / outSize;
    for (int i = 0; i < outSize; i++) {
      float real = scale * (i + 0.5f) - 0.5f;
      int base = Math.min((int) Math.floor(real), inSize - 1);
      float t = Math.min(Math.max(real - base, 0f), 1f);
      float x2 = 1f - t;
      float[] c = {cubic2(t + 1f), cubic1(t), cubic1(x2), cubic2(x2 + 1f)};
      for (int k = 0; k < 4; k++) {
        int j = Math.max(Math.min(base - 1 + k, inSize - 1), 0);
        w[i * inSize + j] += c[k];
      }
    }
    return w;
  }

  private static float cubic1(float x) {
    return ((A + 2) * x - (A + 3)) * x * x + 1;
  }

  private static float cubic2(float x) {
    return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  }
}
