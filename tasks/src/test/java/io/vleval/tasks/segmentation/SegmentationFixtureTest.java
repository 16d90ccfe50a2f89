package io.vleval.tasks.segmentation;

import static io.vleval.tasks.metrics.Fixtures.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.tasks.metrics.Fixtures;
import io.vleval.testkit.FixtureTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of every file with {@code family: segmentation} in the fixture root: inline arrays and
 * PNG files (relative to the case's file) alike.
 */
@FixtureTest
class SegmentationFixtureTest {

  @TestFactory
  Stream<DynamicNode> cases() {
    return Fixtures.cases("segmentation").stream()
        .map(c -> dynamicTest(c.toString(), () -> check(c)));
  }

  /** The case's label or prediction maps, inline or from PNG files beside its fixture file. */
  static List<int[]> maps(Fixtures.Case f, String inline, String files) {
    JsonNode c = f.json();
    List<int[]> out = new ArrayList<>();
    if (c.has(inline)) {
      for (JsonNode image : c.get(inline)) {
        List<Integer> values = new ArrayList<>();
        image.forEach(row -> row.forEach(v -> values.add(v.intValue())));
        out.add(values.stream().mapToInt(Integer::intValue).toArray());
      }
    } else {
      for (JsonNode file : c.get(files)) {
        out.add(LabelMaps.read(f.resolve(file.asText())).values());
      }
    }
    return out;
  }

  private static void check(Fixtures.Case f) {
    JsonNode c = f.json();
    int numClasses = c.get("num_classes").intValue();
    List<int[]> predictions = maps(f, "predictions", "prediction_files");
    List<int[]> labels = maps(f, "labels", "label_files");
    ClassAreas[] perImage =
        SegmentationMetrics.perImageAreas(
            predictions,
            labels,
            numClasses,
            c.get("ignore_index").intValue(),
            c.get("reduce_zero_label").asBoolean());
    JsonNode e = c.get("expected");
    if (e.has("per_image_areas")) {
      for (int i = 0; i < perImage.length; i++) {
        JsonNode areas = e.get("per_image_areas").get(i);
        assertThat(perImage[i].intersect())
            .as("image %d intersect", i)
            .containsExactly(Fixtures.longArray(areas.get("intersect")));
        assertThat(perImage[i].union())
            .as("image %d union", i)
            .containsExactly(Fixtures.longArray(areas.get("union")));
        assertThat(perImage[i].predLabel())
            .as("image %d pred_label", i)
            .containsExactly(Fixtures.longArray(areas.get("pred_label")));
        assertThat(perImage[i].label())
            .as("image %d label", i)
            .containsExactly(Fixtures.longArray(areas.get("label")));
      }
    }
    SegmentationScores s = SegmentationMetrics.evaluate(perImage, numClasses);
    assertThat(s.areas().intersect())
        .containsExactly(Fixtures.longArray(e.get("total_area_intersect")));
    assertThat(s.areas().union()).containsExactly(Fixtures.longArray(e.get("total_area_union")));
    assertThat(s.areas().predLabel())
        .containsExactly(Fixtures.longArray(e.get("total_area_pred_label")));
    assertThat(s.areas().label()).containsExactly(Fixtures.longArray(e.get("total_area_label")));

    Map<String, double[]> perClass =
        Map.of(
            "IoU",
            s.iou(),
            "Acc",
            s.acc(),
            "Dice",
            s.dice(),
            "Precision",
            s.precision(),
            "Recall",
            s.recall(),
            "Fscore",
            s.fscore());
    for (Map.Entry<String, double[]> m : perClass.entrySet()) {
      double[] f64 = Fixtures.doubleArray(e.get("per_class_float64").get(m.getKey()));
      double[] f32 = Fixtures.doubleArray(e.get("per_class_reference_float32").get(m.getKey()));
      for (int k = 0; k < numClasses; k++) {
        assertClose(m.getKey() + "[" + k + "] float64", m.getValue()[k], f64[k], 1e-12, 0);
        assertClose(m.getKey() + "[" + k + "] float32", m.getValue()[k], f32[k], 1e-6, 0);
      }
    }
    assertClose("aAcc float64", s.aAcc(), Fixtures.number(e.get("aAcc_float64")), 1e-12, 0);
    assertClose(
        "aAcc float32", s.aAcc(), Fixtures.number(e.get("aAcc_reference_float32")), 1e-6, 0);
    Map<String, Double> summary = s.summary();
    e.get("mean_float64")
        .fields()
        .forEachRemaining(
            m ->
                assertClose(
                    m.getKey() + " float64",
                    summary.get(m.getKey()),
                    Fixtures.number(m.getValue()),
                    1e-12,
                    0));
    e.get("summary_reference_rounded")
        .fields()
        .forEachRemaining(
            m ->
                assertClose(
                    m.getKey() + " rounded",
                    round2(summary.get(m.getKey()) * 100),
                    Fixtures.number(m.getValue()),
                    0.01 + 1e-9,
                    0));
  }

  private static double round2(double v) {
    return Double.isNaN(v) ? v : Math.round(v * 100) / 100.0;
  }
}
