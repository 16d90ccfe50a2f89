package io.vleval.tasks.outcome;

import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.MetricValue;
import io.vleval.api.task.TaskOutcome;
import io.vleval.tasks.metrics.ScoreTable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Picks a task's result values from the metrics package's tables, in the task's unit. Every metric
 * of the families here improves upwards; values stay in the reference's units (fractions, or CIDEr
 * x1).
 */
public final class Outcomes {
  private Outcomes() {}

  /** A table's metric in the task's {@code unit} ({@code %} or a plain number). */
  public static MetricValue metric(MetricValue m, String unit) {
    return unit.equals(m.unit())
        ? m
        : new MetricValue(m.name(), m.value(), m.direction(), unit, m.interval());
  }

  /** The table's metrics that {@code keep} accepts. */
  public static List<MetricValue> metrics(ScoreTable table, Predicate<String> keep, String unit) {
    List<MetricValue> out = new ArrayList<>();
    for (MetricValue m : table.metrics()) {
      if (keep.test(m.name())) {
        out.add(metric(m, unit));
      }
    }
    return out;
  }

  public static TaskOutcome of(
      String headline, List<MetricValue> metrics, List<CategoryBreakdown> categories) {
    return new TaskOutcome(headline, metrics, categories);
  }
}
