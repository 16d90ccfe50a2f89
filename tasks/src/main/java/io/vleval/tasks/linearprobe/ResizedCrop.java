package io.vleval.tasks.linearprobe;

import io.vleval.api.sample.RgbImage;
import io.vleval.preprocess.PilResample;
import java.util.SplittableRandom;

/**
 * The reference's training transform for the linear probe, {@code RandomResizedCrop(size,
 * scale=(0.08, 1), ratio=(3/4, 4/3), BICUBIC)} then {@code RandomHorizontalFlip()} (torchvision
 * 0.14.1 on PIL images), as the values it drew: the crop box and the flip. {@link #draw} draws them
 * as torchvision's {@code get_params} does, from the run's seeded random source; {@link #apply}
 * crops, resizes with PIL's bicubic filter and flips, bit for bit as PIL does.
 *
 * @param top the crop's first row ({@code i})
 * @param left the crop's first column ({@code j})
 * @param height the crop's rows ({@code h})
 * @param width the crop's columns ({@code w})
 * @param flip whether the crop is then mirrored left to right
 */
public record ResizedCrop(int top, int left, int height, int width, boolean flip) {

  /** torchvision's default scale range of the crop's area. */
  public static final double SCALE_MIN = 0.08;

  public static final double SCALE_MAX = 1.0;

  /** torchvision's default aspect-ratio range. */
  public static final double RATIO_MIN = 3.0 / 4.0;

  public static final double RATIO_MAX = 4.0 / 3.0;

  public ResizedCrop {
    if (top < 0 || left < 0 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "crop " + width + "x" + height + " at (" + left + ", " + top + ") is empty or negative");
    }
  }

  /**
   * Draws the parameters for an image of {@code imageWidth x imageHeight} as {@code
   * RandomResizedCrop.get_params} then {@code RandomHorizontalFlip} do: up to ten tries of an area
   * fraction uniform in the scale range and a log-uniform aspect ratio, the size rounded half to
   * even ({@code int(round(...))}), accepted when it fits, its offset uniform; else the central
   * crop clamped to the ratio range; then a flip with probability 1/2.
   */
  public static ResizedCrop draw(int imageWidth, int imageHeight, SplittableRandom random) {
    double area = (double) imageHeight * imageWidth;
    // torch draws these in float32
    float logMin = (float) Math.log((float) RATIO_MIN);
    float logMax = (float) Math.log((float) RATIO_MAX);
    for (int attempt = 0; attempt < 10; attempt++) {
      float scale = uniform(random, (float) SCALE_MIN, (float) SCALE_MAX);
      double targetArea = area * scale;
      double aspect = (float) Math.exp(uniform(random, logMin, logMax));
      int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
      int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
      if (0 < w && w <= imageWidth && 0 < h && h <= imageHeight) {
        int i = random.nextInt(imageHeight - h + 1);
        int j = random.nextInt(imageWidth - w + 1);
        return new ResizedCrop(i, j, h, w, random.nextDouble() < 0.5);
      }
    }
    ResizedCrop central = central(imageWidth, imageHeight);
    return new ResizedCrop(
        central.top(),
        central.left(),
        central.height(),
        central.width(),
        random.nextDouble() < 0.5);
  }

  /** {@code get_params}' fallback after ten misses: the central crop within the ratio range. */
  static ResizedCrop central(int imageWidth, int imageHeight) {
    double inRatio = (double) imageWidth / imageHeight;
    int w;
    int h;
    if (inRatio < RATIO_MIN) {
      w = imageWidth;
      h = (int) Math.rint(w / RATIO_MIN);
    } else if (inRatio > RATIO_MAX) {
      h = imageHeight;
      w = (int) Math.rint(h * RATIO_MAX);
    } else {
      w = imageWidth;
      h = imageHeight;
    }
    return new ResizedCrop((imageHeight - h) / 2, (imageWidth - w) / 2, h, w, false);
  }

  private static float uniform(SplittableRandom random, float from, float to) {
    return from + (float) random.nextDouble() * (to - from);
  }

  /**
   * {@code F.resized_crop(img, i, j, h, w, (size, size), BICUBIC)} then the flip: PIL's {@code
   * crop} then {@code resize((size, size), BICUBIC)}, then {@code transpose(FLIP_LEFT_RIGHT)}.
   */
  public RgbImage apply(RgbImage image, int size) {
    if (top + height > image.height() || left + width > image.width()) {
      throw new IllegalArgumentException(
          "crop "
              + width
              + "x"
              + height
              + " at ("
              + left
              + ", "
              + top
              + ") does not fit the "
              + image.width()
              + "x"
              + image.height()
              + " image");
    }
    byte[] crop = new byte[width * height * 3];
    for (int y = 0; y < height; y++) {
      System.arraycopy(
          image.rgb(), ((top + y) * image.width() + left) * 3, crop, y * width * 3, width * 3);
    }
    RgbImage resized = PilResample.bicubic(new RgbImage(width, height, crop), size, size);
    return flip ? mirrored(resized) : resized;
  }

  static RgbImage mirrored(RgbImage image) {
    int w = image.width();
    byte[] src = image.rgb();
    byte[] out = new byte[src.length];
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < w; x++) {
        int from = (y * w + x) * 3;
        int to = (y * w + (w - 1 - x)) * 3;
        out[to] = src[from];
        out[to + 1] = src[from + 1];
        out[to + 2] = src[from + 2];
      }
    }
    return new RgbImage(w, image.height(), out);
  }
}
