package io.vleval.preprocess;

import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import java.util.Arrays;

/**
 * PIL 9.4's {@code Image.resize} for 8-bit images, bit for bit: BICUBIC (a = -0.5, support 2
 * widened by the downscale factor, so shrinking is antialiased) and NEAREST.
 *
 * <p>Bicubic follows {@code libImaging/Resample.c}: per output pixel a window of input pixels and
 * double weights normalised to sum 1 ({@code precompute_coeffs}), converted to 22-bit fixed point
 * ({@code normalize_coeffs_8bpc}, PRECISION_BITS = 32 - 8 - 2); a horizontal pass into an 8-bit
 * intermediate, then a vertical pass, each rounding by adding half and clipping to 0..255. A pass
 * whose dimension does not change is skipped, and an unchanged size is a copy, as in PIL.
 *
 * <p>{@link #bicubicRegion} computes only a crop of the resized image; because every output pixel
 * depends only on its own weights, this equals resize-then-crop exactly while doing a fraction of
 * the work (used for shorter-side resize followed by center crop).
 */
public final class PilResample {
  private static final int PRECISION_BITS = 32 - 8 - 2;
  private static final int HALF = 1 << (PRECISION_BITS - 1);
  private static final double BICUBIC_SUPPORT = 2.0;

  private PilResample() {}

  /** {@code image.resize((width, height), Image.BICUBIC)}. */
  public static RgbImage bicubic(RgbImage image, int width, int height) {
    return bicubicRegion(image, width, height, 0, 0, width, height);
  }

  /**
   * {@code image.resize((width, height), Image.BICUBIC).crop((left, top, left + cropWidth, top +
   * cropHeight))}, computing only the cropped pixels.
   */
  public static RgbImage bicubicRegion(
      RgbImage image, int width, int height, int left, int top, int cropWidth, int cropHeight) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "target size must be positive, got " + width + "x" + height);
    }
    if (left < 0
        || top < 0
        || cropWidth <= 0
        || cropHeight <= 0
        || left + cropWidth > width
        || top + cropHeight > height) {
      throw new IllegalArgumentException(
          "crop "
              + cropWidth
              + "x"
              + cropHeight
              + " at ("
              + left
              + ", "
              + top
              + ") does not lie inside the "
              + width
              + "x"
              + height
              + " resized image");
    }
    int inW = image.width();
    int inH = image.height();
    byte[] in = image.rgb();
    boolean horizontal = width != inW;
    boolean vertical = height != inH;
    if (!horizontal && !vertical) {
      return crop(image, left, top, cropWidth, cropHeight);
    }

    Coefficients cv = vertical ? Coefficients.bicubic(inH, height) : null;
    // Input rows the kept output rows read (or just the kept rows when there is no vertical pass).
    int rowFirst = vertical ? cv.start(top) : top;
    int rowEnd =
        vertical
            ? cv.start(top + cropHeight - 1) + cv.count(top + cropHeight - 1)
            : top + cropHeight;
    int rows = rowEnd - rowFirst;

    if (!horizontal) { // vertical only: no 8-bit intermediate, read the kept columns directly
      int[] mid = new int[rows * cropWidth * 3];
      for (int y = 0; y < rows; y++) {
        int src = ((rowFirst + y) * inW + left) * 3;
        int dst = y * cropWidth * 3;
        for (int i = 0; i < cropWidth * 3; i++) {
          mid[dst + i] = in[src + i] & 0xFF;
        }
      }
      byte[] out = new byte[cropHeight * cropWidth * 3];
      verticalPass(mid, cropWidth * 3, cv, rowFirst, top, cropHeight, out);
      return new RgbImage(cropWidth, cropHeight, out);
    }
    // The 8-bit intermediate is held widened to int (values 0..255) for the vertical pass.
    int[] mid = new int[rows * cropWidth * 3];
    horizontalPass(in, inW, rowFirst, rows, Coefficients.bicubic(inW, width), left, cropWidth, mid);
    if (!vertical) {
      byte[] out = new byte[mid.length];
      for (int i = 0; i < mid.length; i++) {
        out[i] = (byte) mid[i];
      }
      return new RgbImage(cropWidth, cropHeight, out);
    }
    byte[] out = new byte[cropHeight * cropWidth * 3];
    verticalPass(mid, cropWidth * 3, cv, rowFirst, top, cropHeight, out);
    return new RgbImage(cropWidth, cropHeight, out);
  }

  /** {@code image.resize((width, height), Image.NEAREST)} on a label map (mode L or P). */
  public static LabelMap nearest(LabelMap map, int width, int height) {
    byte[] out = nearest(map.values(), map.width(), map.height(), 1, width, height);
    return new LabelMap(width, height, out);
  }

  /** {@code image.resize((width, height), Image.NEAREST)} on an RGB image. */
  public static RgbImage nearest(RgbImage image, int width, int height) {
    byte[] out = nearest(image.rgb(), image.width(), image.height(), 3, width, height);
    return new RgbImage(width, height, out);
  }

  /**
   * PIL's {@code ImagingScaleAffine}: source coordinates start at half a step and advance by
   * repeated addition of the step (in double), truncated toward zero; a coordinate that falls
   * outside the source (which rounding could only cause at the last pixel) gives 0.
   */
  private static byte[] nearest(byte[] in, int inW, int inH, int channels, int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "target size must be positive, got " + width + "x" + height);
    }
    if (width == inW && height == inH) {
      return in.clone();
    }
    double ax = (double) (float) inW / width;
    double ay = (double) (float) inH / height;
    int[] xin = new int[width];
    double xo = ax * 0.5;
    for (int x = 0; x < width; x++) {
      int xi = (int) xo;
      xin[x] = xi < inW ? xi : -1;
      xo += ax;
    }
    byte[] out = new byte[width * height * channels];
    double yo = ay * 0.5;
    int o = 0;
    for (int y = 0; y < height; y++) {
      int yi = (int) yo;
      yo += ay;
      if (yi >= inH) {
        o += width * channels; // left 0, as PIL fills
        continue;
      }
      int row = yi * inW;
      for (int x = 0; x < width; x++) {
        if (xin[x] < 0) {
          o += channels;
          continue;
        }
        int s = (row + xin[x]) * channels;
        for (int c = 0; c < channels; c++) {
          out[o++] = in[s + c];
        }
      }
    }
    return out;
  }

  private static RgbImage crop(RgbImage image, int left, int top, int w, int h) {
    if (left == 0 && top == 0 && w == image.width() && h == image.height()) {
      return new RgbImage(w, h, image.rgb().clone());
    }
    byte[] out = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      System.arraycopy(image.rgb(), ((top + y) * image.width() + left) * 3, out, y * w * 3, w * 3);
    }
    return new RgbImage(w, h, out);
  }

  /**
   * Horizontal pass. The source region is first transposed (one column of all kept rows becomes one
   * contiguous run of shorts), so that each output column is a sum of whole runs scaled by its
   * weights: the same integer arithmetic as PIL, in a cache-friendly order.
   */
  private static void horizontalPass(
      byte[] in,
      int inW,
      int rowFirst,
      int rows,
      Coefficients c,
      int colFirst,
      int cols,
      int[] out) {
    int[] kk = c.weights;
    int[] bounds = c.bounds;
    int ksize = c.ksize;
    int colLast = colFirst + cols - 1;
    int srcFirst = bounds[2 * colFirst];
    int srcEnd = bounds[2 * colLast] + bounds[2 * colLast + 1];
    int srcCols = srcEnd - srcFirst;
    int run = rows * 3;
    short[] transposed = new short[srcCols * run];
    for (int r = 0; r < rows; r++) {
      int src = ((rowFirst + r) * inW + srcFirst) * 3;
      for (int s = 0, d = r * 3; s < srcCols; s++, d += run, src += 3) {
        transposed[d] = (short) (in[src] & 0xFF);
        transposed[d + 1] = (short) (in[src + 1] & 0xFF);
        transposed[d + 2] = (short) (in[src + 2] & 0xFF);
      }
    }
    int[] acc = new int[run];
    int outRow = cols * 3;
    for (int xx = colFirst; xx <= colLast; xx++) {
      Arrays.fill(acc, HALF);
      int n = bounds[2 * xx + 1];
      int base = (bounds[2 * xx] - srcFirst) * run;
      for (int x = 0; x < n; x++, base += run) {
        int k = kk[xx * ksize + x];
        for (int i = 0; i < run; i++) {
          acc[i] += transposed[base + i] * k;
        }
      }
      for (int r = 0, o = (xx - colFirst) * 3, a = 0; r < rows; r++, o += outRow, a += 3) {
        out[o] = clip8(acc[a]) & 0xFF;
        out[o + 1] = clip8(acc[a + 1]) & 0xFF;
        out[o + 2] = clip8(acc[a + 2]) & 0xFF;
      }
    }
  }

  /**
   * Vertical pass over rows of {@code rowBytes} interleaved samples; the input's first row is
   * source row {@code inRowFirst}. Accumulates row by row so the inner loop runs over contiguous
   * memory.
   */
  private static void verticalPass(
      int[] in,
      int rowBytes,
      Coefficients c,
      int inRowFirst,
      int outRowFirst,
      int outRows,
      byte[] out) {
    int[] kk = c.weights;
    int[] bounds = c.bounds;
    int ksize = c.ksize;
    int[] acc = new int[rowBytes];
    for (int yy = 0; yy < outRows; yy++) {
      int oy = outRowFirst + yy;
      int ymin = bounds[2 * oy] - inRowFirst;
      int n = bounds[2 * oy + 1];
      Arrays.fill(acc, HALF);
      for (int y = 0; y < n; y++) {
        int k = kk[oy * ksize + y];
        int base = (ymin + y) * rowBytes;
        for (int i = 0; i < rowBytes; i++) {
          acc[i] += in[base + i] * k;
        }
      }
      int o = yy * rowBytes;
      for (int i = 0; i < rowBytes; i++) {
        out[o + i] = clip8(acc[i]);
      }
    }
  }

  /** PIL's {@code clip8}: arithmetic shift out the fraction, clamp to 0..255. */
  private static byte clip8(int s) {
    int v = s >> PRECISION_BITS;
    return (byte) (v < 0 ? 0 : Math.min(v, 255));
  }

  /**
   * One axis' windows and fixed-point weights, as {@code precompute_coeffs} + {@code
   * normalize_coeffs_8bpc}.
   */
  static final class Coefficients {
    final int ksize;

    /** Pairs (first input index, number of taps) per output index. */
    final int[] bounds;

    /** {@code ksize} fixed-point weights per output index. */
    final int[] weights;

    private Coefficients(int ksize, int[] bounds, int[] weights) {
      this.ksize = ksize;
      this.bounds = bounds;
      this.weights = weights;
    }

    int start(int out) {
      return bounds[2 * out];
    }

    int count(int out) {
      return bounds[2 * out + 1];
    }

    static Coefficients bicubic(int inSize, int outSize) {
      // PIL passes the box as floats: in1 - in0 is a float subtraction, then widened.
      float in0 = 0f;
      float in1 = inSize;
      double scale = (double) (in1 - in0) / outSize;
      double filterscale = Math.max(scale, 1.0);
      double support = BICUBIC_SUPPORT * filterscale;
      int ksize = (int) Math.ceil(support) * 2 + 1;
      int[] bounds = new int[outSize * 2];
      int[] weights = new int[outSize * ksize];
      double[] k = new double[ksize];
      double ss = 1.0 / filterscale;
      for (int xx = 0; xx < outSize; xx++) {
        double center = in0 + (xx + 0.5) * scale;
        int xmin = (int) (center - support + 0.5);
        if (xmin < 0) {
          xmin = 0;
        }
        int xmax = (int) (center + support + 0.5);
        if (xmax > inSize) {
          xmax = inSize;
        }
        xmax -= xmin;
        double ww = 0.0;
        for (int x = 0; x < xmax; x++) {
          double w = bicubicFilter((x + xmin - center + 0.5) * ss);
          k[x] = w;
          ww += w;
        }
        for (int x = 0; x < xmax; x++) {
          if (ww != 0.0) {
            k[x] /= ww;
          }
          double scaled = k[x] * (1 << PRECISION_BITS);
          weights[xx * ksize + x] = (int) (k[x] < 0 ? -0.5 + scaled : 0.5 + scaled);
        }
        bounds[2 * xx] = xmin;
        bounds[2 * xx + 1] = xmax;
      }
      return new Coefficients(ksize, bounds, weights);
    }

    private static double bicubicFilter(double x) {
      final double a = -0.5;
      if (x < 0.0) {
        x = -x;
      }
      if (x < 1.0) {
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
      }
      if (x < 2.0) {
        return (((x - 5) * x + 8) * x - 4) * a;
      }
      return 0.0;
    }
  }
}
