package io.vleval.tasks.metrics;

/**
 * A two-sided confidence interval for one metric, as produced by the bootstrap.
 *
 * @param lower lower bound (NaN when no resample produced a finite value)
 * @param upper upper bound (NaN when no resample produced a finite value)
 * @param level coverage, e.g. 0.95
 * @param resamples how many bootstrap resamples were drawn
 * @param seed the seed that makes the interval reproducible
 */
public record ConfidenceInterval(
    double lower, double upper, double level, int resamples, long seed) {

  /** Whether {@code value} lies within [lower, upper]. */
  public boolean contains(double value) {
    return value >= lower && value <= upper;
  }

  /** Upper minus lower bound. */
  public double width() {
    return upper - lower;
  }
}
