package io.vleval.preprocess;

import io.vleval.api.sample.RgbImage;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The evaluation-time image transform of the reference pipelines: a geometric step (one of {@link
 * Mode}), PIL bicubic resampling, then scaling to [0, 1], subtracting {@code mean} and dividing by
 * {@code std} per channel, giving a channel-first {@code float[3 * size * size]}.
 *
 * <p>The arithmetic is float32 in the reference's order: torchvision's {@code ToTensor} then {@code
 * Normalize} compute {@code (v / 255f - mean) / std}; HF's CLIPImageProcessor computes {@code
 * (float) (v * (1 / 255d))} first. Results therefore match the reference bit for bit wherever the
 * resampled 8-bit pixels do.
 *
 * @param mode what the geometric step does
 * @param size side of the square output, in pixels
 * @param mean per-channel mean on the [0, 1] scale (R, G, B)
 * @param std per-channel standard deviation on the [0, 1] scale (R, G, B)
 */
public record ImageTransform(Mode mode, int size, float[] mean, float[] std) {
  private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  /** The geometric step; {@link #id()} is the name used in YAML and in the golden cases. */
  public enum Mode {
    /**
     * torchvision {@code Resize(size, BICUBIC)} with an int size: the shorter side becomes {@code
     * size}, the longer {@code int(size * long / short)}; then {@code CenterCrop(size)} with
     * offsets {@code int(round((H - size) / 2))} (Python rounds halves to even).
     */
    SHORTER_SIDE_THEN_CENTER_CROP("shorter_side_then_center_crop"),
    /** torchvision {@code Resize((size, size), BICUBIC)}: both sides straight to {@code size}. */
    SQUARE("square"),
    /**
     * HF {@code CLIPImageProcessor} (shortest_edge = crop = size, resample 3): the same resize as
     * {@link #SHORTER_SIDE_THEN_CENTER_CROP}, but crop offsets {@code (H - size) // 2}.
     */
    CLIP_IMAGE_PROCESSOR("clip_image_processor");

    private final String id;

    Mode(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    /** The mode with this id; the message of the failure lists the valid ids. */
    public static Mode fromId(String id) {
      for (Mode m : values()) {
        if (m.id.equals(id)) {
          return m;
        }
      }
      throw new IllegalArgumentException(
          "unknown preprocessing mode '"
              + id
              + "', expected one of "
              + Arrays.stream(values()).map(Mode::id).toList());
    }
  }

  public ImageTransform {
    Objects.requireNonNull(mode, "mode");
    if (size <= 0) {
      throw new IllegalArgumentException("size must be positive, got " + size);
    }
    mean = checkTriple("mean", mean).clone();
    std = checkTriple("std", std).clone();
    for (float s : std) {
      if (!(s > 0f)) {
        throw new IllegalArgumentException("std must be positive, got " + Arrays.toString(std));
      }
    }
  }

  /** The transform with ImageNet mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225). */
  public static ImageTransform imagenet(Mode mode, int size) {
    return new ImageTransform(mode, size, IMAGENET_MEAN, IMAGENET_STD);
  }

  private static float[] checkTriple(String name, float[] v) {
    Objects.requireNonNull(v, name);
    if (v.length != 3) {
      throw new IllegalArgumentException(name + " must have 3 values (R, G, B), got " + v.length);
    }
    return v;
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  /** Number of floats {@link #apply(RgbImage)} returns: {@code 3 * size * size}. */
  public int outputLength() {
    return 3 * size * size;
  }

  /** The normalized, channel-first {@code [3, size, size]} tensor for the image. */
  public float[] apply(RgbImage image) {
    float[] out = new float[outputLength()];
    apply(image, out, 0);
    return out;
  }

  /**
   * Writes {@link #apply(RgbImage)}'s result into {@code out} from {@code offset}, for batching.
   */
  public void apply(RgbImage image, float[] out, int offset) {
    Objects.checkFromIndexSize(offset, outputLength(), out.length);
    normalize(resizeAndCrop(image), out, offset);
  }

  /** The {@code size x size} 8-bit image after the geometric step, before normalization. */
  public RgbImage resizeAndCrop(RgbImage image) {
    int w = image.width();
    int h = image.height();
    if (mode == Mode.SQUARE) {
      return PilResample.bicubic(image, size, size);
    }
    int newW;
    int newH;
    if (w <= h) {
      newW = size;
      newH = (int) ((double) size * h / w);
    } else {
      newH = size;
      newW = (int) ((double) size * w / h);
    }
    int top;
    int left;
    if (mode == Mode.CLIP_IMAGE_PROCESSOR) {
      top = Math.floorDiv(newH - size, 2);
      left = Math.floorDiv(newW - size, 2);
    } else {
      top = (int) Math.rint((newH - size) / 2.0);
      left = (int) Math.rint((newW - size) / 2.0);
    }
    return PilResample.bicubicRegion(image, newW, newH, left, top, size, size);
  }

  /** Scales, centres and lays out channel-first an already {@code size x size} image. */
  public void normalize(RgbImage square, float[] out, int offset) {
    if (square.width() != size || square.height() != size) {
      throw new IllegalArgumentException(
          "expected a "
              + size
              + "x"
              + size
              + " image, got "
              + square.width()
              + "x"
              + square.height());
    }
    Objects.checkFromIndexSize(offset, outputLength(), out.length);
    float[][] lut = lookupTables();
    byte[] rgb = square.rgb();
    int plane = size * size;
    float[] r = lut[0];
    float[] g = lut[1];
    float[] b = lut[2];
    for (int i = 0, p = 0; i < plane; i++, p += 3) {
      out[offset + i] = r[rgb[p] & 0xFF];
      out[offset + plane + i] = g[rgb[p + 1] & 0xFF];
      out[offset + 2 * plane + i] = b[rgb[p + 2] & 0xFF];
    }
  }

  /** The normalized value of each 8-bit level per channel, computed as the reference does. */
  private float[][] lookupTables() {
    float[][] lut = new float[3][256];
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        float scaled = mode == Mode.CLIP_IMAGE_PROCESSOR ? (float) (v * (1.0 / 255.0)) : v / 255f;
        lut[c][v] = (scaled - mean[c]) / std[c];
      }
    }
    return lut;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageTransform t
        && t.mode == mode
        && t.size == size
        && Arrays.equals(t.mean, mean)
        && Arrays.equals(t.std, std);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, size, Arrays.hashCode(mean), Arrays.hashCode(std));
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "ImageTransform[mode=%s, size=%d, mean=%s, std=%s]",
        mode.id(),
        size,
        Arrays.toString(mean),
        Arrays.toString(std));
  }
}
