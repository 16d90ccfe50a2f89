package io.vleval.api.task;

import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.MetricValue;
import java.util.List;

/**
 * The scores a task computed from its per-sample records.
 *
 * @param headline the name of the metric leaderboards show first
 * @param warnings what the user should know about these scores, one line each (for example label
 *     values outside the class range); shown on the console and kept in the results
 */
public record TaskOutcome(
    String headline,
    List<MetricValue> metrics,
    List<CategoryBreakdown> categories,
    List<String> warnings) {
  public TaskOutcome {
    metrics = List.copyOf(metrics);
    categories = List.copyOf(categories);
    warnings = List.copyOf(warnings);
    if (metrics.stream().noneMatch(m -> m.name().equals(headline))) {
      throw new IllegalArgumentException(
          "headline metric '" + headline + "' is not among the metrics");
    }
  }

  /** Scores with no warnings. */
  public TaskOutcome(
      String headline, List<MetricValue> metrics, List<CategoryBreakdown> categories) {
    this(headline, metrics, categories, List.of());
  }
}
