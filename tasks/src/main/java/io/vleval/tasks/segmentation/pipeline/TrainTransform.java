package io.vleval.tasks.segmentation.pipeline;

import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

/**
 * The reference's ADE20K training pipeline after loading ({@code configs/_base_/datasets/
 * ade20k_504x504.py}): {@code Resize(img_scale, ratio_range)} keeping the aspect ratio (bilinear
 * image, nearest labels), {@code RandomCrop(crop, cat_max_ratio)}, {@code RandomFlip(prob)}, {@code
 * PhotoMetricDistortion()}, then {@code Pad} to the crop (labels with 255). Each step takes the
 * values it draws, so that a test can replay the reference's draws; {@link #apply} draws them from
 * a seeded generator.
 *
 * <p>The reference pads after normalising, with 0, i.e. with the normalisation mean. An 8-bit image
 * cannot hold the mean exactly, so padded pixels are {@link #PAD_RGB}, the bytes nearest to it
 * (within 0.5 of a grey level, under 0.01 after normalisation).
 *
 * @param scaleLong the long side of the base scale (2016 in the reference)
 * @param scaleShort the short side of the base scale (504)
 * @param minRatio the smallest scale ratio (0.5)
 * @param maxRatio the largest scale ratio (2.0)
 * @param crop the square crop side (504)
 * @param catMaxRatio the largest share one class may take of a crop's labelled pixels (0.75)
 * @param flipProbability the probability of a horizontal flip (0.5)
 * @param photometric whether the photometric distortion runs
 */
public record TrainTransform(
    int scaleLong,
    int scaleShort,
    double minRatio,
    double maxRatio,
    int crop,
    double catMaxRatio,
    double flipProbability,
    boolean photometric) {

  /** The padding colour: the ImageNet mean (123.675, 116.28, 103.53) rounded to bytes. */
  public static final byte[] PAD_RGB = {(byte) 124, (byte) 116, (byte) 104};

  /** The ignore index, which padding and {@code reduce_zero_label} write. */
  public static final int IGNORE = 255;

  /** An image and its label map, of the same size. */
  public record Pair(RgbImage image, LabelMap labels) {
    public Pair {
      if (image.width() != labels.width() || image.height() != labels.height()) {
        throw new IllegalArgumentException(
            "image "
                + image.width()
                + "x"
                + image.height()
                + " and labels "
                + labels.width()
                + "x"
                + labels.height()
                + " differ in size");
      }
    }
  }

  /** The whole pipeline, every random value drawn from {@code random}. */
  public Pair apply(RgbImage image, LabelMap labels, SplittableRandom random) {
    Pair p =
        resize(new Pair(image, labels), minRatio + random.nextDouble() * (maxRatio - minRatio));
    p = crop(p, margin -> random.nextInt(margin + 1));
    p = flip(p, random.nextDouble() < flipProbability);
    if (photometric) {
      p = new Pair(photometric(p.image(), PhotometricDraw.draw(random)), p.labels());
    }
    return pad(p);
  }

  /**
   * {@code Resize} with ratio {@code r}: the scale {@code (int(long * r), int(short * r))}, then
   * {@code mmcv.imrescale} to it.
   */
  public Pair resize(Pair p, double ratio) {
    int[] size =
        Rescale.keepRatio(
            p.image().width(),
            p.image().height(),
            (int) (scaleLong * ratio),
            (int) (scaleShort * ratio));
    return new Pair(
        CvResize.linear(p.image(), size[0], size[1]),
        CvResize.nearest(p.labels(), size[0], size[1]));
  }

  /**
   * {@code RandomCrop}: an offset {@code randint(0, margin + 1)} on each axis (height first), drawn
   * again up to ten times while the crop's labelled pixels have fewer than two classes or one class
   * holds {@code cat_max_ratio} or more of them; the eleventh draw is kept unchecked. A side
   * shorter than the crop is kept whole.
   *
   * @param offsets gives {@code randint(0, margin + 1)} for each margin asked, in order
   */
  public Pair crop(Pair p, IntUnaryOperator offsets) {
    int w = p.image().width();
    int h = p.image().height();
    int marginH = Math.max(h - crop, 0);
    int marginW = Math.max(w - crop, 0);
    int y = offsets.applyAsInt(marginH);
    int x = offsets.applyAsInt(marginW);
    if (catMaxRatio < 1) {
      for (int attempt = 0; attempt < 10; attempt++) {
        if (balanced(p.labels(), x, y)) {
          break;
        }
        y = offsets.applyAsInt(marginH);
        x = offsets.applyAsInt(marginW);
      }
    }
    int cw = Math.min(crop, w);
    int ch = Math.min(crop, h);
    return new Pair(
        new RgbImage(cw, ch, cut(p.image().rgb(), w, 3, x, y, cw, ch)),
        new LabelMap(cw, ch, cut(p.labels().values(), w, 1, x, y, cw, ch)));
  }

  private boolean balanced(LabelMap labels, int x, int y) {
    long[] counts = new long[256];
    int cw = Math.min(crop, labels.width());
    int ch = Math.min(crop, labels.height());
    for (int r = y; r < y + ch; r++) {
      for (int c = x; c < x + cw; c++) {
        counts[labels.at(c, r)]++;
      }
    }
    long max = 0;
    long sum = 0;
    int present = 0;
    for (int l = 0; l < 256; l++) {
      if (l != IGNORE && counts[l] > 0) {
        present++;
        max = Math.max(max, counts[l]);
        sum += counts[l];
      }
    }
    return present > 1 && (double) max / sum < catMaxRatio;
  }

  private static byte[] cut(byte[] src, int w, int channels, int x, int y, int cw, int ch) {
    byte[] out = new byte[cw * ch * channels];
    for (int r = 0; r < ch; r++) {
      System.arraycopy(src, ((y + r) * w + x) * channels, out, r * cw * channels, cw * channels);
    }
    return out;
  }

  /** {@code RandomFlip}: a horizontal flip of both when {@code flip}. */
  public static Pair flip(Pair p, boolean flip) {
    if (!flip) {
      return p;
    }
    return new Pair(
        new RgbImage(
            p.image().width(), p.image().height(), mirror(p.image().rgb(), p.image().width(), 3)),
        new LabelMap(
            p.labels().width(),
            p.labels().height(),
            mirror(p.labels().values(), p.labels().width(), 1)));
  }

  private static byte[] mirror(byte[] src, int w, int channels) {
    byte[] out = new byte[src.length];
    int rows = src.length / (w * channels);
    for (int r = 0; r < rows; r++) {
      for (int x = 0; x < w; x++) {
        System.arraycopy(
            src, (r * w + x) * channels, out, (r * w + w - 1 - x) * channels, channels);
      }
    }
    return out;
  }

  /**
   * {@code PhotoMetricDistortion} with the drawn values: brightness ({@code v + delta}), contrast
   * ({@code v * alpha}) first or last, saturation (S channel times alpha in OpenCV's HSV), hue
   * ({@code (H + delta) mod 180}); each linear step computes in float32, clips to [0, 255] and
   * truncates.
   */
  public static RgbImage photometric(RgbImage image, PhotometricDraw d) {
    byte[] rgb = image.rgb().clone();
    if (d.brightness() != null) {
      convert(rgb, 0, 1, 1f, d.brightness().floatValue());
    }
    if (d.contrastFirst() && d.contrast() != null) {
      convert(rgb, 0, 1, d.contrast().floatValue(), 0f);
    }
    if (d.saturation() != null) {
      byte[] hsv = CvHsv.rgbToHsv(rgb);
      convert(hsv, 1, 3, d.saturation().floatValue(), 0f);
      rgb = CvHsv.hsvToRgb(hsv, image.width());
    }
    if (d.hue() != null) {
      byte[] hsv = CvHsv.rgbToHsv(rgb);
      for (int i = 0; i < hsv.length; i += 3) {
        hsv[i] = (byte) Math.floorMod((hsv[i] & 0xFF) + d.hue(), 180);
      }
      rgb = CvHsv.hsvToRgb(hsv, image.width());
    }
    if (!d.contrastFirst() && d.contrast() != null) {
      convert(rgb, 0, 1, d.contrast().floatValue(), 0f);
    }
    return new RgbImage(image.width(), image.height(), rgb);
  }

  /** mmseg's {@code convert}: {@code uint8(clip(float32(v) * alpha + beta, 0, 255))}. */
  private static void convert(byte[] values, int from, int step, float alpha, float beta) {
    for (int i = from; i < values.length; i += step) {
      float v = (values[i] & 0xFF) * alpha + beta;
      values[i] = (byte) (int) Math.max(0f, Math.min(255f, v));
    }
  }

  /** {@code Pad} to the crop: image with {@link #PAD_RGB}, labels with 255, on the bottom/right. */
  public Pair pad(Pair p) {
    int w = p.image().width();
    int h = p.image().height();
    if (w >= crop && h >= crop) {
      return p;
    }
    int pw = Math.max(w, crop);
    int ph = Math.max(h, crop);
    byte[] rgb = new byte[pw * ph * 3];
    for (int i = 0; i < pw * ph; i++) {
      System.arraycopy(PAD_RGB, 0, rgb, i * 3, 3);
    }
    byte[] labels = new byte[pw * ph];
    Arrays.fill(labels, (byte) IGNORE);
    for (int r = 0; r < h; r++) {
      System.arraycopy(p.image().rgb(), r * w * 3, rgb, r * pw * 3, w * 3);
      System.arraycopy(p.labels().values(), r * w, labels, r * pw, w);
    }
    return new Pair(new RgbImage(pw, ph, rgb), new LabelMap(pw, ph, labels));
  }
}
