package io.vleval.tasks.linearprobe;

import io.vleval.api.sample.RgbImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * timm's {@code Mixup(mixup_alpha, cutmix_alpha, prob, switch_prob, mode='batch', correct_lam=True,
 * label_smoothing, num_classes)} (timm 0.9.12, {@code timm/data/mixup.py}) for one batch, as the
 * values it drew: whether CutMix replaced Mixup, lambda, and CutMix's box. Image {@code i} is mixed
 * with image {@code n - 1 - i} of the same batch (timm mixes a batch with its own flip); the
 * targets are {@code mixup_target}: label-smoothed one-hot vectors of both, weighted by lambda.
 *
 * <p>With CutMix, lambda is the area left to the image itself once the box is clipped by the image
 * borders ({@code correct_lam}): {@code 1 - (yh - yl)(xh - xl) / (H W)}.
 *
 * @param cutmix whether the box of the flipped batch is pasted in (else the images are blended)
 * @param lambda the weight of each image's own target (and, for Mixup, of its own pixels); 1 when
 *     the batch is left unmixed
 * @param yl the box's first row (CutMix)
 * @param yh the row after the box
 * @param xl the box's first column
 * @param xh the column after the box
 */
public record MixBatch(boolean cutmix, double lambda, int yl, int yh, int xl, int xh) {

  /** No mixing: the images as they are, smoothed one-hot targets. */
  public static final MixBatch NONE = new MixBatch(false, 1.0, 0, 0, 0, 0);

  /**
   * The mixing settings.
   *
   * @param mixupAlpha Beta(alpha, alpha) of Mixup's lambda, 0 for no Mixup (the reference: 0.8)
   * @param cutmixAlpha Beta(alpha, alpha) of CutMix's lambda, 0 for no CutMix (the reference: 1.0)
   * @param prob the probability that a batch is mixed at all (the reference: 1.0)
   * @param switchProb the probability of CutMix when both are on (the reference: 0.5)
   * @param smoothing label smoothing of the targets (the reference: 0.1)
   */
  public record Settings(
      double mixupAlpha, double cutmixAlpha, double prob, double switchProb, double smoothing) {

    /** Whether any mixing happens (else targets are only smoothed). */
    public boolean active() {
      return mixupAlpha > 0 || cutmixAlpha > 0;
    }
  }

  /**
   * Draws one batch's parameters as timm's {@code _params_per_batch} and {@code
   * cutmix_bbox_and_lam} do, for images of {@code height x width}.
   */
  public static MixBatch draw(Settings s, int height, int width, SplittableRandom random) {
    if (!s.active() || !(random.nextDouble() < s.prob())) {
      return NONE;
    }
    boolean cutmix;
    double lam;
    if (s.mixupAlpha() > 0 && s.cutmixAlpha() > 0) {
      cutmix = random.nextDouble() < s.switchProb();
      lam = cutmix ? beta(s.cutmixAlpha(), random) : beta(s.mixupAlpha(), random);
    } else if (s.mixupAlpha() > 0) {
      cutmix = false;
      lam = beta(s.mixupAlpha(), random);
    } else {
      cutmix = true;
      lam = beta(s.cutmixAlpha(), random);
    }
    if (lam == 1.0) {
      return NONE;
    }
    if (!cutmix) {
      return new MixBatch(false, lam, 0, 0, 0, 0);
    }
    // rand_bbox: a box of sqrt(1 - lam) of each side around a uniform centre, clipped
    double ratio = Math.sqrt(1 - lam);
    int cutH = (int) (height * ratio);
    int cutW = (int) (width * ratio);
    int cy = random.nextInt(height);
    int cx = random.nextInt(width);
    return box(cy, cx, cutH, cutW, height, width);
  }

  /**
   * The CutMix parameters for a box of {@code cutH x cutW} centred at ({@code cy}, {@code cx}),
   * clipped to the image, with lambda corrected to the clipped area.
   */
  public static MixBatch box(int cy, int cx, int cutH, int cutW, int height, int width) {
    int yl = clip(cy - cutH / 2, height);
    int yh = clip(cy + cutH / 2, height);
    int xl = clip(cx - cutW / 2, width);
    int xh = clip(cx + cutW / 2, width);
    double lam = 1.0 - (double) ((yh - yl) * (xh - xl)) / ((double) height * width);
    return new MixBatch(true, lam, yl, yh, xl, xh);
  }

  private static int clip(int v, int max) {
    return Math.max(0, Math.min(max, v));
  }

  /** Whether the images change. */
  public boolean mixes() {
    return lambda != 1.0 || cutmix;
  }

  /**
   * The mixed batch: for Mixup {@code lam x_i + (1 - lam) x_(n-1-i)}, rounded to the nearest 8-bit
   * level (the harness's images are 8-bit; the reference blends the normalized float tensors, so a
   * blended pixel may differ by up to half a grey level); for CutMix the box of image {@code n-1-i}
   * pasted into image {@code i}, exact. Images must all be the same size.
   */
  public List<RgbImage> apply(List<RgbImage> batch) {
    if (!mixes()) {
      return batch;
    }
    int n = batch.size();
    List<RgbImage> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      RgbImage own = batch.get(i);
      RgbImage other = batch.get(n - 1 - i);
      if (own.width() != other.width() || own.height() != other.height()) {
        throw new IllegalArgumentException("a mixed batch needs images of one size");
      }
      byte[] px = own.rgb().clone();
      byte[] src = other.rgb();
      if (cutmix) {
        int w = own.width();
        for (int y = yl; y < yh; y++) {
          System.arraycopy(src, (y * w + xl) * 3, px, (y * w + xl) * 3, (xh - xl) * 3);
        }
      } else {
        float a = (float) lambda;
        float b = (float) (1.0 - lambda);
        for (int k = 0; k < px.length; k++) {
          float v = (px[k] & 0xFF) * a + (src[k] & 0xFF) * b;
          px[k] = (byte) Math.max(0, Math.min(255, Math.round(v)));
        }
      }
      out.add(new RgbImage(own.width(), own.height(), px));
    }
    return out;
  }

  /**
   * timm's {@code mixup_target}: {@code lam y(t_i) + (1 - lam) y(t_(n-1-i))} with {@code y} the
   * one-hot vector valued {@code 1 - smoothing + smoothing / classes} at the label and {@code
   * smoothing / classes} elsewhere, in float32 as timm computes it.
   */
  public float[][] targets(int[] labels, int classes, double smoothing) {
    int n = labels.length;
    float off = (float) (smoothing / classes);
    float on = (float) (1.0 - smoothing + smoothing / classes);
    float lam = (float) lambda;
    float rest = (float) (1.0 - lambda);
    float[][] t = new float[n][classes];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < classes; c++) {
        float y1 = c == labels[i] ? on : off;
        float y2 = c == labels[n - 1 - i] ? on : off;
        t[i][c] = y1 * lam + y2 * rest;
      }
    }
    return t;
  }

  /** A Beta(alpha, alpha) draw from two Gamma(alpha) draws. */
  static double beta(double alpha, SplittableRandom random) {
    double x = gamma(alpha, random);
    double y = gamma(alpha, random);
    return x + y == 0 ? 0.5 : x / (x + y);
  }

  /** Marsaglia and Tsang's Gamma(shape, 1) sampler, boosted for shapes below 1. */
  static double gamma(double shape, SplittableRandom random) {
    if (shape < 1) {
      double u = random.nextDouble();
      return gamma(shape + 1, random) * Math.pow(u, 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        x = random.nextGaussian();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = random.nextDouble();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }
}
