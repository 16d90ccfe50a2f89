package io.vleval.tasks.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Dual softmax against the reference MSR-VTT script's own matrices ({@code
 * msrvtt/dual_softmax.json}, made by {@code src/test/fixture-gen/msrvtt_reference.py} from {@code
 * test_msrvtt.py}): from the script's score matrix, both re-scored matrices agree to float32
 * rounding, and the Recall@K counted on them equal the values the script prints, with and without
 * dual softmax.
 */
class DualSoftmaxReferenceTest {

  /** Largest difference allowed between our and the reference's re-scored matrices. */
  static final double TOLERANCE = 1e-7;

  static JsonNode reference() throws IOException {
    try (InputStream in =
        DualSoftmaxReferenceTest.class.getResourceAsStream("/msrvtt/dual_softmax.json")) {
      assertThat(in).as("msrvtt/dual_softmax.json on the test class path").isNotNull();
      return new ObjectMapper().readTree(in);
    }
  }

  static float[][] matrix(JsonNode rows) {
    float[][] out = new float[rows.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new float[rows.get(i).size()];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = (float) rows.get(i).get(j).asDouble();
      }
    }
    return out;
  }

  static int[] diagonal(int n) {
    return IntStream.range(0, n).toArray();
  }

  /**
   * The largest absolute difference between {@code ours} and {@code theirs}, element by element.
   */
  static double maxAbs(float[][] ours, float[][] theirs) {
    assertThat(ours.length).isEqualTo(theirs.length);
    double worst = 0;
    for (int i = 0; i < ours.length; i++) {
      assertThat(ours[i].length).isEqualTo(theirs[i].length);
      for (int j = 0; j < ours[i].length; j++) {
        worst = Math.max(worst, Math.abs((double) ours[i][j] - theirs[i][j]));
      }
    }
    return worst;
  }

  static float[][] transpose(float[][] m) {
    float[][] out = new float[m[0].length][m.length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        out[j][i] = m[i][j];
      }
    }
    return out;
  }

  @TestFactory
  Stream<DynamicNode> everyCase() throws IOException {
    List<DynamicNode> out = new ArrayList<>();
    JsonNode cases = reference().get("cases");
    assertThat(cases.size()).isPositive();
    for (JsonNode c : cases) {
      out.add(dynamicTest(c.get("name").asText(), () -> check(c)));
    }
    return out.stream();
  }

  private static void check(JsonNode c) {
    float[][] scores = matrix(c.get("scores"));
    int n = scores.length;
    assertThat(maxAbs(DualSoftmax.textToVideo(scores), matrix(c.get("t2v_scores"))))
        .as("text-to-video matrix")
        .isLessThanOrEqualTo(TOLERANCE);
    // the reference's video-to-text matrix is videos x texts; ours is laid out texts x videos
    assertThat(maxAbs(DualSoftmax.videoToText(scores), transpose(matrix(c.get("v2t_scores")))))
        .as("video-to-text matrix")
        .isLessThanOrEqualTo(TOLERANCE);
    int[] ks = {1, 5, 10};
    RetrievalScores dual = ZeroShotRetrieval.evaluate(DualSoftmax.ranks(scores, diagonal(n)), ks);
    RetrievalScores plain = ZeroShotRetrieval.evaluate(scores, diagonal(n), ks);
    for (int k = 0; k < ks.length; k++) {
      JsonNode d = c.get("dual_softmax").get("metrics");
      JsonNode p = c.get("plain").get("metrics");
      assertThat(dual.imageRetrievalRecall()[k])
          .as("dual softmax t2v R@" + ks[k])
          .isEqualTo(d.get("t2v_retrieval_recall@" + ks[k]).asDouble());
      assertThat(dual.textRetrievalRecall()[k])
          .as("dual softmax v2t R@" + ks[k])
          .isEqualTo(d.get("v2t_retrieval_recall@" + ks[k]).asDouble());
      assertThat(plain.imageRetrievalRecall()[k])
          .as("plain t2v R@" + ks[k])
          .isEqualTo(p.get("t2v_retrieval_recall@" + ks[k]).asDouble());
      assertThat(plain.textRetrievalRecall()[k])
          .as("plain v2t R@" + ks[k])
          .isEqualTo(p.get("v2t_retrieval_recall@" + ks[k]).asDouble());
    }
  }

  /** The cases tell dual softmax from plain ranking: at least one recall differs between them. */
  @Test
  void theCasesSeparateDualSoftmaxFromPlainRanking() throws IOException {
    boolean differs = false;
    for (JsonNode c : reference().get("cases")) {
      differs |= !c.get("dual_softmax").get("metrics").equals(c.get("plain").get("metrics"));
    }
    assertThat(differs).isTrue();
  }

  /** The softmax runs down the texts for text-to-video and across the videos for video-to-text. */
  @Test
  void eachDirectionSoftmaxesItsOwnAxis() {
    float[][] s = {{0.9f, 0.1f}, {0.8f, 0.7f}};
    double e9 = Math.exp(0.9);
    double e8 = Math.exp(0.8);
    float[][] t2v = DualSoftmax.textToVideo(s);
    assertThat(t2v[0][0]).isCloseTo((float) (0.9 * e9 / (e9 + e8)), Offset.offset(1e-7f));
    float[][] v2t = DualSoftmax.videoToText(s);
    double e1 = Math.exp(0.1);
    assertThat(v2t[0][0]).isCloseTo((float) (0.9 * e9 / (e9 + e1)), Offset.offset(1e-7f));
  }
}
