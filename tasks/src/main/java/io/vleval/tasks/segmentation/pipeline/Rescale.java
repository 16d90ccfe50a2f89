package io.vleval.tasks.segmentation.pipeline;

import io.vleval.api.sample.RgbImage;

/**
 * The size arithmetic of {@code mmcv.rescale_size} and the test-time resizes of the reference:
 * InternVL's {@code SETR_Resize}, mmseg's keep-ratio {@code Resize} and {@code ResizeToMultiple}.
 */
public final class Rescale {
  private Rescale() {}

  /**
   * {@code mmcv.rescale_size((w, h), (a, b))}: the factor {@code min(max(a, b) / max(w, h), min(a,
   * b) / min(w, h))}, each side {@code int(side * factor + 0.5)}.
   *
   * @return {width, height}
   */
  public static int[] keepRatio(int w, int h, double a, double b) {
    double factor = Math.min(Math.max(a, b) / Math.max(h, w), Math.min(a, b) / Math.min(h, w));
    return new int[] {(int) (w * factor + 0.5), (int) (h * factor + 0.5)};
  }

  /**
   * {@code SETR_Resize(keep_ratio=True, crop_size, setr_multi_scale=True)} at the scale {@code
   * (long, short)}: the short side becomes {@code max(short, crop)} (as a float), the long side in
   * proportion, then {@link #keepRatio} to that.
   */
  public static int[] setr(int w, int h, int scaleLong, int scaleShort, int crop) {
    double newShort =
        Math.min(scaleLong, scaleShort) < crop ? crop : Math.min(scaleLong, scaleShort);
    double a;
    double b;
    if (h > w) {
      a = newShort * h / w;
      b = newShort;
    } else {
      a = newShort;
      b = newShort * w / h;
    }
    return keepRatio(w, h, a, b);
  }

  /** {@code ResizeToMultiple(divisor)}: each side rounded up to a multiple, bilinear. */
  public static RgbImage toMultiple(RgbImage image, int divisor) {
    int w = (image.width() + divisor - 1) / divisor * divisor;
    int h = (image.height() + divisor - 1) / divisor * divisor;
    return CvResize.linear(image, w, h);
  }
}
