package io.vleval.training.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.sample.ImageSource;
import io.vleval.api.sample.RgbImage;
import io.vleval.preprocess.ImageTransform;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Images are decoded and preprocessed when their batch is drawn, exactly as the stages read them,
 * and kept in a cache bounded in bytes.
 */
class ImagePixelsTest {

  private static final AtomicInteger LOADS = new AtomicInteger();

  private static ImageSource image(String origin, int shade) {
    byte[] rgb = new byte[20 * 14 * 3];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) (shade + i % 7);
    }
    RgbImage img = new RgbImage(20, 14, rgb);
    return new ImageSource() {
      @Override
      public RgbImage load() {
        LOADS.incrementAndGet();
        return img;
      }

      @Override
      public String origin() {
        return origin;
      }
    };
  }

  @Test
  void pixelsAreTheSquashedNormalizedImageAndRepeatsComeFromTheCache() {
    ImagePixels pixels = new ImagePixels(8, 1 << 20);
    ImageSource a = image("a.jpg", 10);
    float[] expected = ImageTransform.imagenet(ImageTransform.Mode.SQUARE, 8).apply(a.load());
    LOADS.set(0);
    assertThat(pixels.of(a)).containsExactly(expected);
    assertThat(pixels.of(image("a.jpg", 10))).containsExactly(expected);
    assertThat(pixels.decoded()).isEqualTo(1);
    assertThat(LOADS.get()).isEqualTo(1);
    float[] batch = pixels.batch(List.of(a, image("b.jpg", 90)));
    assertThat(batch).hasSize(2 * 3 * 8 * 8);
    assertThat(pixels.decoded()).isEqualTo(2);
  }

  /** The cache never holds more than its bound; a bound of zero decodes every time. */
  @Test
  void theCacheStaysWithinItsBound() {
    long one = 4L * 3 * 8 * 8;
    ImagePixels pixels = new ImagePixels(8, 3 * one);
    for (int i = 0; i < 10; i++) {
      pixels.of(image("i" + i, i));
      assertThat(pixels.held()).isLessThanOrEqualTo(3 * one);
    }
    // the last three are held, the first is not
    long before = pixels.decoded();
    pixels.of(image("i9", 9));
    assertThat(pixels.decoded()).isEqualTo(before);
    pixels.of(image("i0", 0));
    assertThat(pixels.decoded()).isEqualTo(before + 1);
    ImagePixels none = new ImagePixels(8, 0);
    none.of(image("x", 1));
    none.of(image("x", 1));
    assertThat(none.decoded()).isEqualTo(2);
    assertThat(none.held()).isZero();
  }
}
