package io.vleval.tasks.metrics.bootstrap;

import io.vleval.tasks.metrics.ConfidenceInterval;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * Percentile bootstrap confidence intervals over resampled units.
 *
 * <p>Recipe: draw {@code resamples} samples of {@code n} unit indices with replacement (units are
 * what the data is independent over: images, not captions), recompute the statistic on each, and
 * take the {@code (1-level)/2} and {@code 1-(1-level)/2} percentiles of the recomputed values
 * (linear interpolation between order statistics, as {@code numpy.percentile} does). Resample
 * {@code r} draws from its own {@link SplittableRandom} seeded from {@code (seed, r)}, so the
 * interval depends only on the seed, never on thread scheduling. Resamples whose statistic is NaN
 * (e.g. a class absent from the resample) are left out of that metric's percentiles.
 */
public final class Bootstrap {

  /** Default number of resamples. */
  public static final int DEFAULT_RESAMPLES = 1000;

  /** Default coverage. */
  public static final double DEFAULT_LEVEL = 0.95;

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
   * Intervals for several statistics computed together from each resample.
   *
   * @param unitCount number of units in the data
   * @param statistic computes all metrics from one resample
   * @return one interval per value the statistic returns
   */
  public ConfidenceInterval[] intervals(int unitCount, ResampledStatistic statistic) {
    if (unitCount < 0) {
      throw new IllegalArgumentException("unitCount must be >= 0, got " + unitCount);
    }
    if (unitCount == 0) {
      double[] probe = statistic.compute(new int[0]);
      ConfidenceInterval[] out = new ConfidenceInterval[probe.length];
      Arrays.fill(out, new ConfidenceInterval(Double.NaN, Double.NaN, level, resamples, seed));
      return out;
    }
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
              values[r] = statistic.compute(sample);
            });
    int metrics = values[0].length;
    ConfidenceInterval[] out = new ConfidenceInterval[metrics];
    double alpha = (1 - level) / 2;
    double[] column = new double[resamples];
    for (int m = 0; m < metrics; m++) {
      int finite = 0;
      for (double[] v : values) {
        if (v.length != metrics) {
          throw new IllegalStateException(
              "statistic returned " + v.length + " values, expected " + metrics);
        }
        if (!Double.isNaN(v[m])) {
          column[finite++] = v[m];
        }
      }
      double[] sorted = Arrays.copyOf(column, finite);
      Arrays.sort(sorted);
      out[m] =
          new ConfidenceInterval(
              percentile(sorted, alpha), percentile(sorted, 1 - alpha), level, resamples, seed);
    }
    return out;
  }

  /** Interval for a single statistic. */
  public ConfidenceInterval interval(int unitCount, ToDoubleFunction<int[]> statistic) {
    return intervals(unitCount, units -> new double[] {statistic.applyAsDouble(units)})[0];
  }

  /**
   * Interval for the mean of per-unit values (e.g. 0/1 hits or per-image scores); NaN values count
   * as NaN units.
   */
  public ConfidenceInterval meanInterval(double[] perUnit) {
    double[] copy = perUnit.clone();
    return interval(
        copy.length,
        units -> {
          double sum = 0;
          for (int u : units) {
            sum += copy[u];
          }
          return sum / units.length;
        });
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
    return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction;
  }
}
