package io.vleval.tasks.segmentation.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import io.vleval.tasks.segmentation.Reference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of {@code segmentation/transforms_reference.json} (mmseg v0.30.0's transforms on
 * OpenCV 4.6, see {@code src/test/fixture-gen/segmentation/}): each training step given the
 * reference's drawn values, the photometric distortion on rows that hit both of OpenCV's code
 * paths, the test-time resizes and plain resizes; every output equals the reference's, byte for
 * byte.
 */
class TransformsFixtureTest {
  private static final JsonNode FIXTURE = Reference.load("transforms_reference.json");

  private static TrainTransform transform() {
    JsonNode s = FIXTURE.get("settings");
    return new TrainTransform(
        s.get("scale").get(0).intValue(),
        s.get("scale").get(1).intValue(),
        s.get("ratio_range").get(0).doubleValue(),
        s.get("ratio_range").get(1).doubleValue(),
        s.get("crop").get(0).intValue(),
        s.get("cat_max_ratio").doubleValue(),
        s.get("flip_prob").doubleValue(),
        true);
  }

  /** The reference's photometric draws, in its order, as the record the transform takes. */
  static PhotometricDraw photometric(JsonNode draws) {
    Iterator<JsonNode> d = draws.iterator();
    Double brightness = d.next().get("value").intValue() == 1 ? value(d) : null;
    boolean contrastFirst = d.next().get("value").intValue() == 1;
    Double contrast = null;
    if (contrastFirst && d.next().get("value").intValue() == 1) {
      contrast = value(d);
    }
    Double saturation = d.next().get("value").intValue() == 1 ? value(d) : null;
    Integer hue = d.next().get("value").intValue() == 1 ? d.next().get("value").intValue() : null;
    if (!contrastFirst && d.next().get("value").intValue() == 1) {
      contrast = value(d);
    }
    assertThat(d.hasNext()).as("every photometric draw used").isFalse();
    return new PhotometricDraw(brightness, contrastFirst, contrast, saturation, hue);
  }

  private static double value(Iterator<JsonNode> d) {
    return d.next().get("value").doubleValue();
  }

  @TestFactory
  Stream<DynamicTest> trainingSteps() {
    List<DynamicTest> tests = new ArrayList<>();
    TrainTransform t = transform();
    for (JsonNode c : FIXTURE.get("train")) {
      tests.add(dynamicTest("train seed " + c.get("seed").intValue(), () -> trainCase(t, c)));
    }
    return tests.stream();
  }

  private static void trainCase(TrainTransform t, JsonNode c) {
    JsonNode steps = c.get("steps");
    double ratio = steps.get("resize").get("draws").get(0).get("value").doubleValue();
    TrainTransform.Pair p =
        t.resize(
            new TrainTransform.Pair(
                Reference.image(c.get("image")), Reference.labels(c.get("labels"))),
            ratio * (t.maxRatio() - t.minRatio()) + t.minRatio());
    same(p, steps.get("resize"));

    Iterator<JsonNode> offsets = steps.get("crop").get("draws").iterator();
    p =
        t.crop(
            p,
            margin -> {
              JsonNode d = offsets.next();
              assertThat(d.get("args").get(1).intValue()).isEqualTo(margin + 1);
              return d.get("value").intValue();
            });
    assertThat(offsets.hasNext()).as("every crop draw used").isFalse();
    same(p, steps.get("crop"));

    p =
        TrainTransform.flip(
            p, steps.get("flip").get("draws").get(0).get("value").doubleValue() < 0.5);
    same(p, steps.get("flip"));

    RgbImage distorted =
        TrainTransform.photometric(p.image(), photometric(steps.get("photometric").get("draws")));
    assertThat(
            Reference.maxAbsDiff(
                distorted.rgb(), Reference.bytes(steps.get("photometric").get("image"))))
        .isZero();

    TrainTransform.Pair padded = t.pad(new TrainTransform.Pair(distorted, p.labels()));
    JsonNode pad = steps.get("pad");
    assertThat(new int[] {padded.image().height(), padded.image().width(), 3})
        .containsExactly(
            pad.get("image_shape").get(0).intValue(), pad.get("image_shape").get(1).intValue(), 3);
    assertThat(Reference.maxAbsDiff(padded.labels().values(), Reference.bytes(pad.get("labels"))))
        .isZero();
  }

  private static void same(TrainTransform.Pair p, JsonNode step) {
    RgbImage image = Reference.image(step.get("image"));
    LabelMap labels = Reference.labels(step.get("labels"));
    assertThat(new int[] {p.image().width(), p.image().height()})
        .containsExactly(image.width(), image.height());
    assertThat(Reference.maxAbsDiff(p.image().rgb(), image.rgb())).isZero();
    assertThat(Reference.maxAbsDiff(p.labels().values(), labels.values())).isZero();
  }

  @TestFactory
  Stream<DynamicTest> photometricOnBothOpenCvPaths() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : FIXTURE.get("photometric")) {
      tests.add(
          dynamicTest(
              "photometric seed " + c.get("seed").intValue(),
              () -> {
                RgbImage out =
                    TrainTransform.photometric(
                        Reference.image(c.get("image")), photometric(c.get("draws")));
                assertThat(Reference.maxAbsDiff(out.rgb(), Reference.bytes(c.get("output"))))
                    .isZero();
              }));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> testTimeResizes() {
    JsonNode s = FIXTURE.get("settings");
    int scaleLong = s.get("scale").get(0).intValue();
    int scaleShort = s.get("scale").get(1).intValue();
    int crop = s.get("crop").get(0).intValue();
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : FIXTURE.get("test")) {
      tests.add(
          dynamicTest(
              "test seed " + c.get("seed").intValue(),
              () -> {
                RgbImage image = Reference.image(c.get("image"));
                int[] size =
                    Rescale.setr(image.width(), image.height(), scaleLong, scaleShort, crop);
                RgbImage resized = CvResize.linear(image, size[0], size[1]);
                assertThat(
                        Reference.maxAbsDiff(resized.rgb(), Reference.bytes(c.get("setr_resized"))))
                    .isZero();
                RgbImage multiple = Rescale.toMultiple(resized, c.get("divisor").intValue());
                RgbImage expected = Reference.image(c.get("to_multiple"));
                assertThat(new int[] {multiple.width(), multiple.height()})
                    .containsExactly(expected.width(), expected.height());
                assertThat(Reference.maxAbsDiff(multiple.rgb(), expected.rgb())).isZero();
                int[] plain =
                    Rescale.keepRatio(image.width(), image.height(), scaleLong, scaleShort);
                assertThat(
                        Reference.maxAbsDiff(
                            CvResize.linear(image, plain[0], plain[1]).rgb(),
                            Reference.bytes(c.get("keep_ratio_resized"))))
                    .isZero();
              }));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> plainResizes() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : FIXTURE.get("resize")) {
      RgbImage image = Reference.image(c.get("image"));
      int w = c.get("width").intValue();
      int h = c.get("height").intValue();
      tests.add(
          dynamicTest(
              image.width() + "x" + image.height() + " to " + w + "x" + h,
              () -> {
                assertThat(
                        Reference.maxAbsDiff(
                            CvResize.linear(image, w, h).rgb(), Reference.bytes(c.get("bilinear"))))
                    .isZero();
                assertThat(
                        Reference.maxAbsDiff(
                            CvResize.nearest(Reference.labels(c.get("labels")), w, h).values(),
                            Reference.bytes(c.get("nearest"))))
                    .isZero();
              }));
    }
    return tests.stream();
  }
}
