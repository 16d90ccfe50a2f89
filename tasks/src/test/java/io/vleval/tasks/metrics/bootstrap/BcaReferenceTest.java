package io.vleval.tasks.metrics.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * BCa arithmetic against {@code bootstrap/bca_reference.json} (made by {@code
 * src/test/fixture-gen/bca_reference.py}): from the same fixed replicates, the jackknife, {@code
 * z0}, the acceleration, the BCa levels and endpoints (or, where BCa excludes the estimate, the
 * jackknife normal interval) match numpy/scipy's computation of the textbook formulas.
 */
class BcaReferenceTest {

  private static final double TOLERANCE = 1e-12;

  private static JsonNode reference() throws IOException {
    try (InputStream in =
        BcaReferenceTest.class.getResourceAsStream("/bootstrap/bca_reference.json")) {
      assertThat(in).as("bootstrap/bca_reference.json on the test class path").isNotNull();
      return new ObjectMapper().readTree(in);
    }
  }

  private static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).isNull() ? Double.NaN : array.get(i).asDouble();
    }
    return out;
  }

  private static double[][] matrix(JsonNode rows) {
    double[][] out = new double[rows.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = doubles(rows.get(i));
    }
    return out;
  }

  /** The case's statistic, as the generator defines it. */
  private static ResampledStatistic statistic(JsonNode c) {
    JsonNode data = c.get("data");
    switch (c.get("statistic").asText()) {
      case "mean" -> {
        double[] x = doubles(data.get("x"));
        return units -> {
          double s = 0;
          for (int u : units) {
            s += x[u];
          }
          return new double[] {s / units.length};
        };
      }
      case "ratio" -> {
        double[] x = doubles(data.get("x"));
        double[] y = doubles(data.get("y"));
        return units -> {
          double sx = 0;
          double sy = 0;
          for (int u : units) {
            sx += x[u];
            sy += y[u];
          }
          return new double[] {sx / sy};
        };
      }
      case "class_mean" -> {
        double[][] intersect = matrix(data.get("intersect"));
        double[][] union = matrix(data.get("union"));
        return units -> {
          int classes = intersect[0].length;
          double sum = 0;
          int present = 0;
          for (int k = 0; k < classes; k++) {
            double i = 0;
            double u = 0;
            for (int unit : units) {
              i += intersect[unit][k];
              u += union[unit][k];
            }
            if (u > 0) {
              sum += i / u;
              present++;
            }
          }
          return new double[] {present == 0 ? Double.NaN : sum / present};
        };
      }
      default -> throw new IllegalArgumentException(c.get("statistic").asText());
    }
  }

  @TestFactory
  Stream<DynamicNode> bcaFromFixedReplicatesMatchesTheReference() throws IOException {
    JsonNode root = reference();
    double level = root.get("level").asDouble();
    List<DynamicNode> tests = new ArrayList<>();
    for (JsonNode c : root.get("cases")) {
      tests.add(
          dynamicTest(
              c.get("name").asText(),
              () -> {
                ResampledStatistic statistic = statistic(c);
                int n = c.get("jackknife").size();
                assertThat(statistic.compute(IntStream.range(0, n).toArray())[0])
                    .isCloseTo(c.get("theta_hat").asDouble(), within(TOLERANCE));
                // the reference's own estimate: a resample holding every unit once equals it up
                // to the order of summation, so z0 must compare the replicates with the same value
                double point = c.get("theta_hat").asDouble();

                double[][] rows = Bootstrap.withSeed(0).jackknife(n, statistic, null, 1);
                double[] jackknife = new double[rows.length];
                for (int j = 0; j < rows.length; j++) {
                  jackknife[j] = rows[j][0];
                }
                double[] expectedJackknife = doubles(c.get("jackknife"));
                assertThat(jackknife.length).isEqualTo(expectedJackknife.length);
                for (int j = 0; j < n; j++) {
                  assertThat(jackknife[j]).isCloseTo(expectedJackknife[j], within(TOLERANCE));
                }

                double[] sorted =
                    Arrays.stream(doubles(c.get("replicates")))
                        .filter(v -> !Double.isNaN(v))
                        .sorted()
                        .toArray();
                assertThat(Bootstrap.biasCorrection(point, sorted))
                    .isCloseTo(c.get("z0").asDouble(), within(1e-9));
                assertThat(Bootstrap.acceleration(jackknife))
                    .isCloseTo(c.get("acceleration").asDouble(), within(TOLERANCE));
                assertThat(Bootstrap.jackknifeStandardError(jackknife))
                    .isCloseTo(c.get("jackknife_se").asDouble(), within(TOLERANCE));
                double[] alphas = Bootstrap.bcaLevels(point, sorted, jackknife, level);
                assertThat(alphas).isNotNull();
                assertThat(alphas[0]).isCloseTo(c.get("alpha").get(0).asDouble(), within(1e-9));
                assertThat(alphas[1]).isCloseTo(c.get("alpha").get(1).asDouble(), within(1e-9));

                double[] interval = Bootstrap.bca(point, sorted, jackknife, level);
                JsonNode expected =
                    c.get("bca_contains_theta_hat").asBoolean() ? c.get("bca") : c.get("normal");
                double scale = sorted[sorted.length - 1] - sorted[0];
                assertThat(interval[0]).isCloseTo(expected.get(0).asDouble(), within(1e-9 * scale));
                assertThat(interval[1]).isCloseTo(expected.get(1).asDouble(), within(1e-9 * scale));
                assertThat(interval[0]).isLessThanOrEqualTo(point);
                assertThat(interval[1]).isGreaterThanOrEqualTo(point);
              }));
    }
    return tests.stream();
  }
}
