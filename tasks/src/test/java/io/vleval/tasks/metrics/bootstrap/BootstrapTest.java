package io.vleval.tasks.metrics.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vleval.api.result.ConfidenceInterval;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
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
    assertThat(contains(ci, mean(sample))).isTrue();
    assertThat(ci.level()).isEqualTo(0.95);
    assertThat(ci.resamples()).isEqualTo(1000);
    // standard error 2/sqrt(500) ~ 0.089, so the 95% interval is about 0.35 wide
    assertThat(width(ci)).isBetween(0.25, 0.45);
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
    assertThat(width(b.meanInterval(small))).isGreaterThan(2 * width(b.meanInterval(big)));
  }

  @Test
  void coverageOfTheTrueMeanIsRoughlyTheLevel() {
    int covered = 0;
    int trials = 60;
    for (int t = 0; t < trials; t++) {
      ConfidenceInterval ci = new Bootstrap(400, t, 0.95).meanInterval(normal(100, 100 + t));
      covered += contains(ci, 10.0) ? 1 : 0;
    }
    assertThat(covered).isGreaterThanOrEqualTo(50);
  }

  @Test
  void nanResamplesAreLeftOutAndANanEstimateGivesNan() {
    ConfidenceInterval allNan = Bootstrap.withSeed(1).interval(10, units -> Double.NaN);
    assertThat(allNan.lower()).isNaN();
    assertThat(allNan.upper()).isNaN();
    // NaN in the resamples whose last draw is unit 0; the estimate (units 0..9) is 1
    ConfidenceInterval some =
        Bootstrap.withSeed(1)
            .interval(10, units -> units[units.length - 1] == 0 ? Double.NaN : 1.0);
    assertThat(some.lower()).isEqualTo(1.0);
    assertThat(some.upper()).isEqualTo(1.0);
  }

  @Test
  void aHeavyTailedMeanLiesInsideItsSkewedInterval() {
    Random r = new Random(11);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = new double[30];
      for (int i = 0; i < x.length; i++) {
        x[i] = Math.exp(2 * r.nextGaussian());
      }
      ConfidenceInterval ci = new Bootstrap(1000, trial, 0.95).meanInterval(x);
      assertThat(contains(ci, mean(x))).as("trial %d: %s, mean %s", trial, ci, mean(x)).isTrue();
      // right-skewed data: the interval reaches further above the mean than below it
      assertThat(ci.upper() - mean(x)).isGreaterThan(mean(x) - ci.lower());
    }
  }

  @Test
  void aRatioOfSumsLiesInsideItsInterval() {
    Random r = new Random(12);
    for (int trial = 0; trial < 20; trial++) {
      int n = 8 + trial;
      double[] x = new double[n];
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = Math.exp(1.5 * r.nextGaussian());
        y[i] = 0.1 + r.nextDouble();
      }
      ToDoubleFunction<int[]> ratio =
          units -> {
            double sx = 0;
            double sy = 0;
            for (int u : units) {
              sx += x[u];
              sy += y[u];
            }
            return sx / sy;
          };
      double point = ratio.applyAsDouble(IntStream.range(0, n).toArray());
      ConfidenceInterval ci = new Bootstrap(1000, trial, 0.95).interval(n, ratio);
      assertThat(contains(ci, point)).as("trial %d: %s, ratio %s", trial, ci, point).isTrue();
    }
  }

  @Test
  void theClosedFormJackknifeOfAMeanGivesTheDeleteOneInterval() {
    double[] x = new double[150];
    Random r = new Random(13);
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextDouble() < 0.1 ? 50 * r.nextDouble() : r.nextDouble();
    }
    Bootstrap b = Bootstrap.withSeed(3);
    ConfidenceInterval closedForm = b.meanInterval(x);
    ConfidenceInterval deleteOne =
        b.interval(
            x.length,
            units -> {
              double s = 0;
              for (int u : units) {
                s += x[u];
              }
              return s / units.length;
            });
    assertThat(closedForm.lower()).isCloseTo(deleteOne.lower(), within(1e-12));
    assertThat(closedForm.upper()).isCloseTo(deleteOne.upper(), within(1e-12));
  }

  @Test
  void largeSetsLeaveOutGroupsSoTheJackknifeCostIsBounded() {
    int n = 25_000;
    double[] x = new double[n];
    Random r = new Random(14);
    for (int i = 0; i < n; i++) {
      x[i] = -Math.log(r.nextDouble()) * -Math.log(r.nextDouble());
    }
    AtomicInteger calls = new AtomicInteger();
    ResampledStatistic mean =
        units -> {
          calls.incrementAndGet();
          double s = 0;
          for (int u : units) {
            s += x[u];
          }
          return new double[] {s / units.length};
        };
    Bootstrap b = new Bootstrap(300, 4, 0.95);
    ConfidenceInterval grouped = b.intervals(n, mean)[0];
    assertThat(calls.get()).isEqualTo(300 + 1 + Bootstrap.JACKKNIFE_GROUPS);
    double[][] groups = b.jackknife(n, mean, null, 1);
    assertThat(groups).hasNumberOfRows(Bootstrap.JACKKNIFE_GROUPS);

    // the grouped acceleration estimates the delete-1 one (closed form for a mean)
    double sum = Arrays.stream(x).sum();
    double[] deleteOne = new double[n];
    for (int i = 0; i < n; i++) {
      deleteOne[i] = (sum - x[i]) / (n - 1);
    }
    double exact = Bootstrap.acceleration(deleteOne);
    double[] groupValues = Arrays.stream(groups).mapToDouble(g -> g[0]).toArray();
    assertThat(exact).isGreaterThan(0.003);
    assertThat(Bootstrap.acceleration(groupValues)).isCloseTo(exact, within(0.5 * exact));
    // and the grouped standard error the delete-1 one
    assertThat(Bootstrap.jackknifeStandardError(groupValues))
        .isCloseTo(
            Bootstrap.jackknifeStandardError(deleteOne),
            within(0.15 * Bootstrap.jackknifeStandardError(deleteOne)));

    calls.set(0);
    ConfidenceInterval exactInterval = b.meanInterval(x);
    assertThat(contains(exactInterval, sum / n)).isTrue();
    assertThat(contains(grouped, sum / n)).isTrue();
    assertThat(grouped.lower())
        .isCloseTo(exactInterval.lower(), within(0.05 * width(exactInterval)));
    assertThat(grouped.upper())
        .isCloseTo(exactInterval.upper(), within(0.05 * width(exactInterval)));
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

  private static boolean contains(ConfidenceInterval ci, double value) {
    return value >= ci.lower() && value <= ci.upper();
  }

  private static double width(ConfidenceInterval ci) {
    return ci.upper() - ci.lower();
  }
}
