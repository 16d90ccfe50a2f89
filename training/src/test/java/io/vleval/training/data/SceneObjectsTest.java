package io.vleval.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import io.vleval.training.data.TrainingData.SceneObject;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SceneObjectsTest {

  private static final List<String> SHAPES = List.of("circle", "square", "triangle");
  private static final int W = 40;
  private static final int H = 30;

  /** A grey picture and an all-background label map to paint objects into. */
  private static final class Canvas {
    final byte[] rgb = new byte[W * H * 3];
    final byte[] labels = new byte[W * H];

    Canvas() {
      Arrays.fill(rgb, (byte) 128);
      Arrays.fill(labels, (byte) 255);
    }

    /** A filled rectangle of one class, drawn in a colour. */
    Canvas box(int x0, int y0, int x1, int y1, int label, int r, int g, int b) {
      for (int y = y0; y < y1; y++) {
        for (int x = x0; x < x1; x++) {
          labels[y * W + x] = (byte) label;
          rgb[(y * W + x) * 3] = (byte) r;
          rgb[(y * W + x) * 3 + 1] = (byte) g;
          rgb[(y * W + x) * 3 + 2] = (byte) b;
        }
      }
      return this;
    }

    List<SceneObject> objects() {
      return SceneObjects.of(new RgbImage(W, H, rgb), new LabelMap(W, H, labels), SHAPES);
    }
  }

  @Test
  void readsEachRegionAsAnObjectWithItsShapeNearestColourAndSize() {
    List<SceneObject> objects =
        new Canvas()
            .box(1, 1, 11, 11, 0, 210, 50, 45) // a large reddish circle-class region (100 px)
            .box(20, 2, 25, 7, 0, 45, 60, 230) // a small blue one of the same class (25 px)
            .box(2, 20, 8, 26, 1, 230, 205, 50) // a yellow square, the only one of its class
            .objects();

    assertThat(objects)
        .containsExactly(
            new SceneObject("red", "circle", true),
            new SceneObject("blue", "circle", false),
            new SceneObject("yellow", "square", false));
  }

  @Test
  void twoObjectsOfOneShapeAndAlikeInSizeAreNotToldApartBySize() {
    List<SceneObject> objects =
        new Canvas()
            .box(1, 1, 9, 9, 2, 40, 180, 60)
            .box(20, 1, 28, 10, 2, 220, 40, 40) // 72 px against 64: not clearly larger
            .objects();

    assertThat(objects).extracting(SceneObject::large).containsExactly(true, true);
    assertThat(objects).extracting(SceneObject::colour).containsExactly("green", "red");
  }

  @Test
  void specksBelowTheMinimumAreaAreNotObjects() {
    List<SceneObject> objects =
        new Canvas().box(1, 1, 4, 4, 1, 220, 40, 40).box(10, 10, 20, 20, 1, 220, 40, 40).objects();

    assertThat(objects).containsExactly(new SceneObject("red", "square", false));
  }

  @Test
  void refusesALabelWithoutAClassAndMismatchedSizes() {
    Canvas bad = new Canvas().box(1, 1, 10, 10, 7, 220, 40, 40);
    assertThatThrownBy(bad::objects)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label 7 at (1, 1)");
    assertThatThrownBy(
            () ->
                SceneObjects.of(
                    new RgbImage(W, H + 1, new byte[W * (H + 1) * 3]),
                    new LabelMap(W, H, new byte[W * H]),
                    SHAPES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label map 40x30");
  }
}
