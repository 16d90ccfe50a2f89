package io.vleval.tasks.metrics;

import java.util.Objects;
import java.util.Optional;

/**
 * One named metric value with its optional bootstrap confidence interval.
 *
 * @param name metric name in the reference's naming, e.g. {@code Bleu_4}, {@code mIoU}, {@code
 *     image_retrieval_recall@5}
 * @param value the point estimate computed on the full data (NaN where the reference yields NaN)
 * @param interval the confidence interval, or {@code null} when none was requested
 */
public record MetricValue(String name, double value, ConfidenceInterval interval) {

  public MetricValue {
    Objects.requireNonNull(name, "name");
  }

  /** A value without confidence interval. */
  public static MetricValue of(String name, double value) {
    return new MetricValue(name, value, null);
  }

  /** The confidence interval, if one was computed. */
  public Optional<ConfidenceInterval> confidenceInterval() {
    return Optional.ofNullable(interval);
  }
}
