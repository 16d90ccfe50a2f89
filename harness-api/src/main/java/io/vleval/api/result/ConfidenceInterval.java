package io.vleval.api.result;

/**
 * A bootstrap confidence interval.
 *
 * @param level e.g. 0.95
 * @param resamples how many bootstrap resamples it came from
 */
public record ConfidenceInterval(double lower, double upper, double level, int resamples) {}
