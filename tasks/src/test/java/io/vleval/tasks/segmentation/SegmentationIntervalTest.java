package io.vleval.tasks.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.result.ConfidenceInterval;
import io.vleval.tasks.metrics.bootstrap.Bootstrap;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * mIoU over a few images, where resamples that miss a class's only labelled image score it 0 (its
 * false positives elsewhere remain) and the replicates fall below the estimate: the interval still
 * holds the estimate.
 */
class SegmentationIntervalTest {

  /**
   * The per-image areas of the fixture case whose estimate lies above 99% of its replicates (10
   * images, 150 classes, many small false-positive classes).
   */
  private static ClassAreas[] fewImagesManyFalsePositives() throws IOException {
    JsonNode c;
    try (InputStream in =
        SegmentationIntervalTest.class.getResourceAsStream("/bootstrap/bca_reference.json")) {
      assertThat(in).isNotNull();
      JsonNode root = new ObjectMapper().readTree(in);
      c = root.get("cases").get(root.get("cases").size() - 1);
    }
    assertThat(c.get("name").asText()).contains("estimate above its percentile interval");
    JsonNode intersect = c.get("data").get("intersect");
    JsonNode union = c.get("data").get("union");
    ClassAreas[] out = new ClassAreas[intersect.size()];
    for (int i = 0; i < out.length; i++) {
      int classes = intersect.get(i).size();
      ClassAreas a = ClassAreas.zeros(classes);
      for (int k = 0; k < classes; k++) {
        a.intersect()[k] = intersect.get(i).get(k).asLong();
        a.union()[k] = union.get(i).get(k).asLong();
        // any split of the union into prediction and label with pred + label - intersect = union
        a.label()[k] = a.intersect()[k];
        a.predLabel()[k] = a.union()[k];
      }
      out[i] = a;
    }
    return out;
  }

  @Test
  void mIoUOfAFewImagesLiesInsideItsInterval() throws IOException {
    ClassAreas[] perImage = fewImagesManyFalsePositives();
    int classes = perImage[0].numClasses();
    double mIoU = SegmentationMetrics.fromAreas(ClassAreas.sum(perImage, null, classes)).mIoU();
    int at = SegmentationScores.SUMMARY.indexOf("mIoU");
    for (long seed = 0; seed < 10; seed++) {
      ConfidenceInterval ci =
          SegmentationMetrics.intervals(perImage, classes, Bootstrap.withSeed(seed))[at];
      assertThat(contains(ci, mIoU)).as("seed %d: %s, mIoU %s", seed, ci, mIoU).isTrue();
      assertThat(width(ci)).isGreaterThan(0);
    }
  }

  private static boolean contains(ConfidenceInterval ci, double value) {
    return value >= ci.lower() && value <= ci.upper();
  }

  private static double width(ConfidenceInterval ci) {
    return ci.upper() - ci.lower();
  }
}
