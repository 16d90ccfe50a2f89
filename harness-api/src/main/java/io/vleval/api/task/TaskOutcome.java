package io.vleval.api.task;

import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.MetricValue;
import java.util.List;

/**
 * The scores a task computed from its per-sample records.
 *
 * @param headline the name of the metric leaderboards show first
 */
public record TaskOutcome(
    String headline, List<MetricValue> metrics, List<CategoryBreakdown> categories) {
  public TaskOutcome {
    metrics = List.copyOf(metrics);
    categories = List.copyOf(categories);
    if (metrics.stream().noneMatch(m -> m.name().equals(headline))) {
      throw new IllegalArgumentException(
          "headline metric '" + headline + "' is not among the metrics");
    }
  }
}
