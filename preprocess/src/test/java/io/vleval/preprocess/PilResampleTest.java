package io.vleval.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Properties of the PIL resampling and the transform modes that the golden cases do not pin. */
class PilResampleTest {

  private static RgbImage random(int w, int h, long seed) {
    byte[] rgb = new byte[w * h * 3];
    new Random(seed).nextBytes(rgb);
    return new RgbImage(w, h, rgb);
  }

  private static RgbImage crop(RgbImage img, int left, int top, int w, int h) {
    byte[] out = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      System.arraycopy(img.rgb(), ((top + y) * img.width() + left) * 3, out, y * w * 3, w * 3);
    }
    return new RgbImage(w, h, out);
  }

  @Test
  void regionEqualsResizeThenCrop() {
    RgbImage img = random(97, 61, 1);
    int[][] targets = {{120, 40}, {33, 80}, {97, 30}, {50, 61}, {200, 150}};
    for (int[] t : targets) {
      RgbImage full = PilResample.bicubic(img, t[0], t[1]);
      int left = t[0] / 5;
      int top = t[1] / 3;
      int cw = t[0] - left - 1;
      int ch = t[1] - top;
      RgbImage region = PilResample.bicubicRegion(img, t[0], t[1], left, top, cw, ch);
      assertThat(region.rgb())
          .as("target %s", Arrays.toString(t))
          .isEqualTo(crop(full, left, top, cw, ch).rgb());
    }
  }

  @Test
  void sameSizeIsACopyAndConstantStaysConstant() {
    RgbImage img = random(20, 10, 2);
    assertThat(PilResample.bicubic(img, 20, 10).rgb()).isEqualTo(img.rgb());
    byte[] grey = new byte[30 * 20 * 3];
    Arrays.fill(grey, (byte) 200);
    RgbImage flat = new RgbImage(30, 20, grey);
    for (int[] t : new int[][] {{7, 5}, {64, 48}, {30, 9}}) {
      RgbImage out = PilResample.bicubic(flat, t[0], t[1]);
      for (byte b : out.rgb()) {
        assertThat(b & 0xFF).isEqualTo(200);
      }
    }
  }

  @Test
  void nearestPicksPilsSourcePixels() {
    byte[] v = new byte[10];
    for (int i = 0; i < 10; i++) {
      v[i] = (byte) i;
    }
    LabelMap row = new LabelMap(10, 1, v);
    // PIL: x_in = int((x + 0.5) * 10 / 4) -> 1, 3, 6, 8
    assertThat(PilResample.nearest(row, 4, 1).values()).containsExactly(1, 3, 6, 8);
    // upscaling 10 -> 25: each source pixel repeats 2 or 3 times
    byte[] up = PilResample.nearest(row, 25, 1).values();
    assertThat(up[0]).isEqualTo((byte) 0);
    assertThat(up[24]).isEqualTo((byte) 9);
  }

  @Test
  void cropOffsetsRoundHalfToEvenForTorchvisionAndFloorForClip() {
    // 303x224 -> no resize; (303 - 224) / 2 = 39.5: torchvision rounds to 40, HF floors to 39.
    RgbImage img = random(303, 224, 3);
    RgbImage tv =
        ImageTransform.imagenet(ImageTransform.Mode.SHORTER_SIDE_THEN_CENTER_CROP, 224)
            .resizeAndCrop(img);
    RgbImage hf =
        ImageTransform.imagenet(ImageTransform.Mode.CLIP_IMAGE_PROCESSOR, 224).resizeAndCrop(img);
    assertThat(tv.rgb()).isEqualTo(crop(img, 40, 0, 224, 224).rgb());
    assertThat(hf.rgb()).isEqualTo(crop(img, 39, 0, 224, 224).rgb());
    // (301 - 224) / 2 = 38.5 rounds to the even 38
    RgbImage img2 = random(301, 224, 4);
    assertThat(
            ImageTransform.imagenet(ImageTransform.Mode.SHORTER_SIDE_THEN_CENTER_CROP, 224)
                .resizeAndCrop(img2)
                .rgb())
        .isEqualTo(crop(img2, 38, 0, 224, 224).rgb());
  }

  @Test
  void longSideIsTruncated() {
    // 500x375 -> shorter side 224: long side int(224 * 500 / 375) = int(298.67) = 298; crop offset
    // round(37) = 37
    RgbImage img = random(500, 375, 5);
    RgbImage full = PilResample.bicubic(img, 298, 224);
    RgbImage got =
        ImageTransform.imagenet(ImageTransform.Mode.SHORTER_SIDE_THEN_CENTER_CROP, 224)
            .resizeAndCrop(img);
    assertThat(got.rgb()).isEqualTo(crop(full, 37, 0, 224, 224).rgb());
  }

  @Test
  void normalizeIsChannelFirstFloat32() {
    byte[] px = {(byte) 255, 0, (byte) 128};
    ImageTransform t = ImageTransform.imagenet(ImageTransform.Mode.SQUARE, 1);
    float[] out = t.apply(new RgbImage(1, 1, px));
    assertThat(out)
        .containsExactly(
            (1f - 0.485f) / 0.229f, (0f - 0.456f) / 0.224f, (128 / 255f - 0.406f) / 0.225f);
  }

  @Test
  void modesByIdAndBadArguments() {
    assertThat(ImageTransform.Mode.fromId("square")).isEqualTo(ImageTransform.Mode.SQUARE);
    assertThatThrownBy(() -> ImageTransform.Mode.fromId("squash"))
        .hasMessageContaining("squash")
        .hasMessageContaining("shorter_side_then_center_crop");
    assertThatThrownBy(
            () ->
                new ImageTransform(
                    ImageTransform.Mode.SQUARE, 224, new float[] {0, 0}, new float[] {1, 1, 1}))
        .hasMessageContaining("mean");
    assertThatThrownBy(
            () ->
                new ImageTransform(
                    ImageTransform.Mode.SQUARE, 224, new float[3], new float[] {1, 0, 1}))
        .hasMessageContaining("std");
    assertThat(ImageTransform.imagenet(ImageTransform.Mode.SQUARE, 224))
        .isEqualTo(ImageTransform.imagenet(ImageTransform.Mode.SQUARE, 224));
  }
}
