package io.vleval.tasks.metrics.bootstrap;

/**
 * A statistic (or several at once) recomputed from one bootstrap resample.
 *
 * <p>The resample is given as unit indices drawn with replacement, e.g. image indices; the
 * statistic re-aggregates its per-unit contributions for those indices (per-image BLEU counts,
 * per-image segmentation areas, per-sample hits). Implementations must be thread-safe: resamples
 * are evaluated in parallel.
 */
@FunctionalInterface
public interface ResampledStatistic {

  /**
   * @param units indices of the resampled units, each in [0, unitCount), with repetitions
   * @return one value per metric, always in the same order; NaN where undefined for this resample
   */
  double[] compute(int[] units);
}
