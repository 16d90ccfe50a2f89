package io.vleval.tasks.retrieval;

import static io.vleval.tasks.metrics.Fixtures.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.tasks.metrics.Fixtures;
import io.vleval.testkit.FixtureTest;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/** Every case of every file with {@code family: retrieval} in the fixture root. */
@FixtureTest
class RetrievalFixtureTest {

  private static final double ABS = 1e-6;

  @TestFactory
  Stream<DynamicNode> cases() {
    return Fixtures.cases("retrieval").stream().map(c -> dynamicTest(c.toString(), () -> check(c)));
  }

  /** The case's score matrix (texts x images) as the reference saw it. */
  static float[][] scores(JsonNode c) {
    if (c.has("scores")) {
      return Fixtures.floatMatrix(c.get("scores"));
    }
    if (c.has("scores_reference")) {
      return Fixtures.floatMatrix(c.get("scores_reference"));
    }
    float[][] images = Fixtures.floatMatrix(c.get("image_embeddings_int"));
    float[][] texts = Fixtures.floatMatrix(c.get("text_embeddings_int"));
    float[][] out = new float[texts.length][images.length];
    for (int t = 0; t < texts.length; t++) {
      for (int i = 0; i < images.length; i++) {
        long dot = 0;
        for (int d = 0; d < texts[t].length; d++) {
          dot += (long) texts[t][d] * (long) images[i][d];
        }
        out[t][i] = dot;
      }
    }
    return out;
  }

  private static void check(Fixtures.Case f) {
    JsonNode c = f.json();
    float[][] scores = scores(c);
    int[] index = Fixtures.intArray(c.get("texts_image_index"));
    int[] ks = Fixtures.intArray(c.get("k_list"));
    if (c.get("expected").isNull()) {
      assertThatThrownBy(() -> ZeroShotRetrieval.evaluate(scores, index, ks))
          .as(c.get("expected_error").asText())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("exceeds");
      return;
    }
    RetrievalScores s = ZeroShotRetrieval.evaluate(scores, index, ks);
    verify(c, s, ks);
    if (c.has("image_embeddings")) {
      // our own normalise + matmul must give the same recalls as the reference's matrix
      float[][] own =
          ZeroShotRetrieval.cosineScores(
              Fixtures.floatMatrix(c.get("image_embeddings")),
              Fixtures.floatMatrix(c.get("text_embeddings")));
      verify(c, ZeroShotRetrieval.evaluate(own, index, ks), ks);
    }
  }

  private static void verify(JsonNode c, RetrievalScores s, int[] ks) {
    for (int k = 0; k < ks.length; k++) {
      check(c, "image_retrieval_recall@" + ks[k], s.imageRetrievalRecall()[k]);
      check(c, "text_retrieval_recall@" + ks[k], s.textRetrievalRecall()[k]);
    }
  }

  private static void check(JsonNode c, String metric, double actual) {
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
      assertClose(metric, actual, Fixtures.number(c.get("expected").get(metric)), ABS, 0);
    }
  }
}
