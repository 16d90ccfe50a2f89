package io.vleval.tasks.metrics.bootstrap;

import io.vleval.api.result.ConfidenceInterval;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * Bootstrap confidence intervals over resampled units: bias-corrected and accelerated (BCa, Efron
 * 1987; Efron and Tibshirani 1993, 14.3 and 22.6), with the acceleration from a jackknife.
 *
 * <p>Recipe, for each metric of a statistic:
 *
 * <ol>
 *   <li>the point estimate {@code t} is the statistic on all {@code n} units;
 *   <li>{@code B = resamples} resamples of {@code n} unit indices drawn with replacement (units are
 *       what the data is independent over: images, not captions) give the replicates {@code t*_b};
 *       replicates that are NaN (a class absent from the resample) are left out;
 *   <li>bias correction {@code z0 = Phi^-1((#{t*_b < t} + #{t*_b <= t}) / 2B)} (ties counted half,
 *       as {@code scipy.stats.bootstrap} does);
 *   <li>acceleration {@code a = sum d_j^3 / (6 (sum d_j^2)^(3/2))} with {@code d_j = mean(t_(.)) -
 *       t_(j)} over the jackknife values {@code t_(j)} (NaN values left out);
 *   <li>the interval is the {@code alpha_1} and {@code alpha_2} percentiles of the replicates
 *       (linear interpolation, as {@code numpy.percentile}) with {@code alpha_i = Phi(z0 + (z0 +
 *       z_i) / (1 - a (z0 + z_i)))}, {@code z_1 = Phi^-1((1 - level) / 2)}, {@code z_2 = -z_1}.
 * </ol>
 *
 * <p>The jackknife, bounded in cost on large sets:
 *
 * <ul>
 *   <li>with a {@link LeaveOneOut} (statistics built from per-unit sums; closed form {@code (S -
 *       x_j) / (n - 1)} for means, see {@link #meanInterval}): the exact delete-1 jackknife, {@code
 *       n} evaluations of constant cost;
 *   <li>otherwise, for {@code n <=} {@value #JACKKNIFE_GROUPS}: the delete-1 jackknife, {@code n}
 *       evaluations of the statistic on {@code n - 1} units;
 *   <li>otherwise the grouped (delete-d) jackknife: the units are dealt in a seeded random order
 *       into {@value #JACKKNIFE_GROUPS} groups of {@code n/}{@value #JACKKNIFE_GROUPS} units and
 *       each group is left out in turn; the acceleration formula applied to the group values
 *       estimates the same skewness term as the delete-1 one (both are the standardized third
 *       moment of the influence values over {@code sqrt(n)}), and the cost is {@value
 *       #JACKKNIFE_GROUPS} evaluations, a fifth of the bootstrap's default 1,000, whatever {@code
 *       n}.
 * </ul>
 *
 * <p>BCa assumes the bootstrap distribution is a monotone transformation of a normal one centred
 * near the estimate. A statistic whose replicates lie almost all on one side of its own estimate
 * breaks that assumption (class-wise means over a few images, where classes vanish from resamples
 * and score 0 or NaN): there BCa, like the percentile interval, excludes the estimate (for {@code
 * |a|} well below 1 it does so exactly when {@code |z0| > z_2}), and when {@code z0} is infinite or
 * {@code 1 - a (z0 + z_i) <= 0} it is undefined. In those cases the interval is the normal interval
 * {@code t -/+ z_2 * se} with the jackknife standard error {@code se = sqrt((m - 1)/m sum (t_(j) -
 * mean t_(.))^2)} over the {@code m} jackknife values (delta method, first order): symmetric, but
 * it contains its estimate and reflects how much the score moves with each unit.
 *
 * <p>Resample {@code r} draws from its own {@link SplittableRandom} seeded from {@code (seed, r)},
 * and the jackknife groups from the seed, so the interval depends only on the seed, never on thread
 * scheduling. A NaN estimate has a NaN interval.
 */
public final class Bootstrap {

  /** Default number of resamples. */
  public static final int DEFAULT_RESAMPLES = 1000;

  /** Default coverage. */
  public static final double DEFAULT_LEVEL = 0.95;

  /** Above this many units without a {@link LeaveOneOut}, the jackknife leaves out groups. */
  public static final int JACKKNIFE_GROUPS = 200;

  private final int resamples;
  private final long seed;
  private final double level;

  /**
   * @param resamples number of resamples, at least 1
   * @param seed random seed
   * @param level coverage in (0, 1), e.g. 0.95
   */
  public Bootstrap(int resamples, long seed, double level) {
    if (resamples < 1) {
      throw new IllegalArgumentException("resamples must be >= 1, got " + resamples);
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("level must be in (0, 1), got " + level);
    }
    this.resamples = resamples;
    this.seed = seed;
    this.level = level;
  }

  /** 1000 resamples at 95% with the given seed. */
  public static Bootstrap withSeed(long seed) {
    return new Bootstrap(DEFAULT_RESAMPLES, seed, DEFAULT_LEVEL);
  }

  public int resamples() {
    return resamples;
  }

  public long seed() {
    return seed;
  }

  public double level() {
    return level;
  }

  /**
   * Intervals for several statistics computed together from each resample, with the jackknife
   * recomputed from {@code statistic} (delete-1 up to {@value #JACKKNIFE_GROUPS} units, grouped
   * above).
   *
   * @param unitCount number of units in the data
   * @param statistic computes all metrics from one resample
   * @return one interval per value the statistic returns
   */
  public ConfidenceInterval[] intervals(int unitCount, ResampledStatistic statistic) {
    return intervals(unitCount, statistic, null);
  }

  /**
   * Intervals for several statistics computed together from each resample.
   *
   * @param unitCount number of units in the data
   * @param statistic computes all metrics from one resample
   * @param leaveOneOut the same metrics without one unit, in constant time; {@code null} to
   *     recompute the jackknife from {@code statistic}
   * @return one interval per value the statistic returns
   */
  public ConfidenceInterval[] intervals(
      int unitCount, ResampledStatistic statistic, LeaveOneOut leaveOneOut) {
    if (unitCount < 0) {
      throw new IllegalArgumentException("unitCount must be >= 0, got " + unitCount);
    }
    if (unitCount == 0) {
      double[] probe = statistic.compute(new int[0]);
      ConfidenceInterval[] out = new ConfidenceInterval[probe.length];
      Arrays.fill(out, new ConfidenceInterval(Double.NaN, Double.NaN, level, resamples));
      return out;
    }
    double[] point = statistic.compute(IntStream.range(0, unitCount).toArray());
    int metrics = point.length;
    double[][] values = new double[resamples][];
    IntStream.range(0, resamples)
        .parallel()
        .forEach(
            r -> {
              SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + r);
              int[] sample = new int[unitCount];
              for (int i = 0; i < unitCount; i++) {
                sample[i] = random.nextInt(unitCount);
              }
              values[r] = checked(statistic.compute(sample), metrics);
            });
    double[][] jackknife = jackknife(unitCount, statistic, leaveOneOut, metrics);
    ConfidenceInterval[] out = new ConfidenceInterval[metrics];
    double[] column = new double[resamples];
    double[] jack = new double[jackknife.length];
    for (int m = 0; m < metrics; m++) {
      int finite = 0;
      for (double[] v : values) {
        if (!Double.isNaN(v[m])) {
          column[finite++] = v[m];
        }
      }
      double[] sorted = Arrays.copyOf(column, finite);
      Arrays.sort(sorted);
      for (int j = 0; j < jackknife.length; j++) {
        jack[j] = jackknife[j][m];
      }
      double[] bounds = bca(point[m], sorted, jack, level);
      out[m] = new ConfidenceInterval(bounds[0], bounds[1], level, resamples);
    }
    return out;
  }

  /** Interval for a single statistic. */
  public ConfidenceInterval interval(int unitCount, ToDoubleFunction<int[]> statistic) {
    return intervals(unitCount, units -> new double[] {statistic.applyAsDouble(units)})[0];
  }

  /**
   * Interval for the mean of per-unit values (e.g. 0/1 hits or per-image scores), with the
   * closed-form jackknife {@code (S - x_j) / (n - 1)}; any NaN value makes the mean, and so the
   * interval, NaN.
   */
  public ConfidenceInterval meanInterval(double[] perUnit) {
    double[] copy = perUnit.clone();
    double total = 0;
    for (double v : copy) {
      total += v;
    }
    double sum = total;
    int n = copy.length;
    return intervals(
        n,
        units -> {
          double s = 0;
          for (int u : units) {
            s += copy[u];
          }
          return new double[] {s / units.length};
        },
        unit -> new double[] {(sum - copy[unit]) / (n - 1)})[0];
  }

  /**
   * The jackknife values, one row per left-out unit or group (see the class javadoc); no rows for
   * fewer than two units.
   */
  double[][] jackknife(int n, ResampledStatistic statistic, LeaveOneOut leaveOneOut, int metrics) {
    if (n < 2) {
      return new double[0][];
    }
    if (leaveOneOut != null) {
      double[][] out = new double[n][];
      IntStream.range(0, n)
          .parallel()
          .forEach(j -> out[j] = checked(leaveOneOut.without(j), metrics));
      return out;
    }
    int groups = Math.min(n, JACKKNIFE_GROUPS);
    int[] order = IntStream.range(0, n).toArray();
    if (groups < n) {
      // deal the units into groups in a seeded random order, so that sorted data (by class, by
      // source) does not put alike units together
      SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
      for (int i = n - 1; i > 0; i--) {
        int k = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[k];
        order[k] = t;
      }
    }
    double[][] out = new double[groups][];
    IntStream.range(0, groups)
        .parallel()
        .forEach(
            g -> {
              // group g holds order[i] for i = g, g + groups, g + 2 groups, ...
              int size = (n - g + groups - 1) / groups;
              int[] kept = new int[n - size];
              int k = 0;
              for (int i = 0; i < n; i++) {
                if (i % groups != g) {
                  kept[k++] = order[i];
                }
              }
              out[g] = checked(statistic.compute(kept), metrics);
            });
    return out;
  }

  private static double[] checked(double[] values, int metrics) {
    if (values.length != metrics) {
      throw new IllegalStateException(
          "statistic returned " + values.length + " values, expected " + metrics);
    }
    return values;
  }

  /**
   * The BCa interval of one metric, or the jackknife normal interval where BCa excludes or cannot
   * place the estimate (see the class javadoc).
   *
   * @param point the estimate on all units
   * @param sortedReplicates the finite bootstrap replicates, ascending
   * @param jackknife the jackknife values (delete-1 or per group; NaN ones are ignored)
   * @param level coverage
   * @return {lower, upper}
   */
  static double[] bca(double point, double[] sortedReplicates, double[] jackknife, double level) {
    if (Double.isNaN(point) || sortedReplicates.length == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double[] alphas = bcaLevels(point, sortedReplicates, jackknife, level);
    if (alphas != null) {
      double lower = percentile(sortedReplicates, alphas[0]);
      double upper = percentile(sortedReplicates, alphas[1]);
      if (lower <= point && point <= upper) {
        return new double[] {lower, upper};
      }
    }
    double se = jackknifeStandardError(jackknife);
    if (Double.isNaN(se)) {
      return new double[] {point, point};
    }
    double z = -Normal.quantile((1 - level) / 2);
    return new double[] {point - z * se, point + z * se};
  }

  /**
   * BCa's {@code alpha_1, alpha_2} (fractions in [0, 1]), or {@code null} where they are undefined
   * (infinite {@code z0}, or {@code 1 - a (z0 + z_i) <= 0}).
   */
  static double[] bcaLevels(
      double point, double[] sortedReplicates, double[] jackknife, double level) {
    double z0 = biasCorrection(point, sortedReplicates);
    double a = acceleration(jackknife);
    if (Double.isInfinite(z0) || Double.isNaN(z0)) {
      return null;
    }
    double zLow = Normal.quantile((1 - level) / 2);
    double[] out = new double[2];
    double[] z = {zLow, -zLow};
    for (int i = 0; i < 2; i++) {
      double shifted = z0 + z[i];
      double denominator = 1 - a * shifted;
      if (!(denominator > 0)) {
        return null;
      }
      out[i] = Normal.cdf(z0 + shifted / denominator);
    }
    return out;
  }

  /** {@code Phi^-1((#{t* < t} + #{t* <= t}) / 2B)}. */
  static double biasCorrection(double point, double[] replicates) {
    long below = 0;
    long atOrBelow = 0;
    for (double v : replicates) {
      below += v < point ? 1 : 0;
      atOrBelow += v <= point ? 1 : 0;
    }
    return Normal.quantile((below + atOrBelow) / (2.0 * replicates.length));
  }

  /**
   * {@code sum d^3 / (6 (sum d^2)^(3/2))}, {@code d = mean - t_(j)} over the finite jackknife
   * values; 0 when they do not vary.
   */
  static double acceleration(double[] jackknife) {
    double sum = 0;
    int m = 0;
    for (double v : jackknife) {
      if (!Double.isNaN(v)) {
        sum += v;
        m++;
      }
    }
    if (m < 2) {
      return 0;
    }
    double mean = sum / m;
    double s2 = 0;
    double s3 = 0;
    for (double v : jackknife) {
      if (!Double.isNaN(v)) {
        double d = mean - v;
        s2 += d * d;
        s3 += d * d * d;
      }
    }
    return s2 == 0 ? 0 : s3 / (6 * Math.pow(s2, 1.5));
  }

  /**
   * {@code sqrt((m - 1)/m sum (t_(j) - mean)^2)} over the {@code m} finite jackknife values; NaN
   * for fewer than two.
   */
  static double jackknifeStandardError(double[] jackknife) {
    double sum = 0;
    int m = 0;
    for (double v : jackknife) {
      if (!Double.isNaN(v)) {
        sum += v;
        m++;
      }
    }
    if (m < 2) {
      return Double.NaN;
    }
    double mean = sum / m;
    double s2 = 0;
    for (double v : jackknife) {
      if (!Double.isNaN(v)) {
        s2 += (v - mean) * (v - mean);
      }
    }
    return Math.sqrt((m - 1.0) / m * s2);
  }

  /**
   * {@code numpy.percentile(sorted, q * 100)} with linear interpolation; NaN for an empty array.
   */
  static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double position = q * (sorted.length - 1);
    int lower = (int) Math.floor(position);
    int upper = Math.min(lower + 1, sorted.length - 1);
    double fraction = position - lower;
    double difference = sorted[upper] - sorted[lower];
    // numpy's _lerp: from the nearer end, so that the result never overshoots it
    return fraction >= 0.5
        ? sorted[upper] - difference * (1 - fraction)
        : sorted[lower] + difference * fraction;
  }
}
