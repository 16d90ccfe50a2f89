package io.vleval.tasks.metrics.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.tasks.metrics.ConfidenceInterval;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BootstrapTest {

  private static double[] normal(int n, long seed) {
    Random r = new Random(seed);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = 10 + 2 * r.nextGaussian();
    }
    return out;
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  @Test
  void intervalContainsThePointEstimateOfANormalSample() {
    double[] sample = normal(500, 1);
    ConfidenceInterval ci = Bootstrap.withSeed(7).meanInterval(sample);
    assertThat(ci.contains(mean(sample))).isTrue();
    assertThat(ci.level()).isEqualTo(0.95);
    assertThat(ci.resamples()).isEqualTo(1000);
    // standard error 2/sqrt(500) ~ 0.089, so the 95% interval is about 0.35 wide
    assertThat(ci.width()).isBetween(0.25, 0.45);
  }

  @Test
  void sameSeedSameIntervalDifferentSeedDifferentInterval() {
    double[] sample = normal(200, 2);
    ConfidenceInterval a = Bootstrap.withSeed(42).meanInterval(sample);
    ConfidenceInterval b = Bootstrap.withSeed(42).meanInterval(sample);
    ConfidenceInterval c = Bootstrap.withSeed(43).meanInterval(sample);
    assertThat(b).isEqualTo(a);
    assertThat(c.lower()).isNotEqualTo(a.lower());
  }

  @Test
  void fewerSamplesGiveAWiderInterval() {
    double[] big = normal(1000, 3);
    double[] small = Arrays.copyOf(big, 50);
    Bootstrap b = Bootstrap.withSeed(5);
    assertThat(b.meanInterval(small).width()).isGreaterThan(2 * b.meanInterval(big).width());
  }

  @Test
  void coverageOfTheTrueMeanIsRoughlyTheLevel() {
    int covered = 0;
    int trials = 60;
    for (int t = 0; t < trials; t++) {
      ConfidenceInterval ci = new Bootstrap(400, t, 0.95).meanInterval(normal(100, 100 + t));
      covered += ci.contains(10.0) ? 1 : 0;
    }
    assertThat(covered).isGreaterThanOrEqualTo(50);
  }

  @Test
  void nanResamplesAreLeftOutAndAllNanGivesNan() {
    ConfidenceInterval allNan = Bootstrap.withSeed(1).interval(10, units -> Double.NaN);
    assertThat(allNan.lower()).isNaN();
    ConfidenceInterval some =
        Bootstrap.withSeed(1).interval(10, units -> units[0] == 0 ? Double.NaN : 1.0);
    assertThat(some.lower()).isEqualTo(1.0);
    assertThat(some.upper()).isEqualTo(1.0);
  }

  @Test
  void percentileInterpolatesLikeNumpy() {
    double[] sorted = {1, 2, 3, 4};
    assertThat(Bootstrap.percentile(sorted, 0.5)).isEqualTo(2.5);
    assertThat(Bootstrap.percentile(sorted, 0.025)).isEqualTo(1.075);
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> new Bootstrap(0, 1, 0.95))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Bootstrap(10, 1, 1.0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
