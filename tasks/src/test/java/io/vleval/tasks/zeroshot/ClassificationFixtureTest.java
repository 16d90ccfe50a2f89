package io.vleval.tasks.zeroshot;

import static io.vleval.tasks.metrics.Fixtures.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.tasks.metrics.Fixtures;
import io.vleval.testkit.FixtureTest;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/** Every case of every file with {@code family: zeroshot_classification} in the fixture root. */
@FixtureTest
class ClassificationFixtureTest {

  private static final double ABS = 1e-9;

  @TestFactory
  Stream<DynamicNode> cases() {
    return Fixtures.cases("zeroshot_classification").stream()
        .map(c -> dynamicTest(c.toString(), () -> check(c)));
  }

  static float[][] logits(JsonNode c) {
    if (c.has("logits")) {
      return Fixtures.floatMatrix(c.get("logits"));
    }
    float scale = (float) c.get("logits_scale").doubleValue();
    float[][] ints = Fixtures.floatMatrix(c.get("logits_int"));
    for (float[] row : ints) {
      for (int j = 0; j < row.length; j++) {
        row[j] *= scale;
      }
    }
    return ints;
  }

  private static void check(Fixtures.Case f) {
    JsonNode c = f.json();
    float[][] logits = logits(c);
    int[] target = Fixtures.intArray(c.get("target"));
    int numClasses = c.get("n_classes").intValue();
    ClassificationScores s = ZeroShotClassification.evaluate(logits, target, numClasses);
    JsonNode expected = c.get("expected");
    assertThat(ZeroShotClassification.argmax(logits))
        .containsExactly(Fixtures.intArray(c.get("expected_argmax_pred")));
    assertClose(
        "mean_per_class_recall",
        s.meanPerClassRecall(),
        Fixtures.number(expected.get("mean_per_class_recall")),
        ABS,
        0);
    checkTopK(c, "acc1", s.top1());
    checkTopK(c, "acc5", s.top5());
  }

  /**
   * Tie-free: the reference value; tie-sensitive: lowest-index tie breaking and within the bounds.
   */
  private static void checkTopK(JsonNode c, String metric, double actual) {
    double expected = Fixtures.number(c.get("expected").get(metric));
    JsonNode ties = c.path("tie_analysis").get(metric);
    if (c.path("tie_sensitive").asBoolean() && ties != null) {
      assertClose(
          metric + " (stable_lowest_index)",
          actual,
          ties.get("stable_lowest_index").doubleValue(),
          ABS,
          0);
      assertThat(actual)
          .as(metric + " within tie bounds")
          .isBetween(
              ties.get("pessimistic").doubleValue() - ABS,
              ties.get("optimistic").doubleValue() + ABS);
    } else {
      assertClose(metric, actual, expected, ABS, 0);
    }
  }
}
