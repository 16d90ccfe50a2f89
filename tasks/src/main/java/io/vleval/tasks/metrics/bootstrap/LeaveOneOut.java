package io.vleval.tasks.metrics.bootstrap;

/**
 * A statistic recomputed with one unit left out, in time independent of the number of units: the
 * exact jackknife of a statistic built from per-unit sums (totals minus the unit's contribution),
 * which {@link Bootstrap} uses for the BCa acceleration instead of re-evaluating the statistic on
 * {@code n - 1} units {@code n} times.
 *
 * <p>Implementations must be thread-safe and return the same values, in the same order, as the
 * {@link ResampledStatistic} they accompany would return for the units {@code 0..n-1} without
 * {@code unit}.
 */
@FunctionalInterface
public interface LeaveOneOut {

  /**
   * @param unit the unit left out, in [0, unitCount)
   * @return one value per metric; NaN where undefined without this unit
   */
  double[] without(int unit);
}
