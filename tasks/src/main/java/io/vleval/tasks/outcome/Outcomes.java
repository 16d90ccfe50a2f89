package io.vleval.tasks.outcome;

import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.ConfidenceInterval;
import io.vleval.api.result.Direction;
import io.vleval.api.result.MetricValue;
import io.vleval.api.task.TaskOutcome;
import io.vleval.tasks.metrics.ScoreTable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Converts the metrics package's plain tables into the run's result values. Every metric of the
 * families here improves upwards; values stay in the reference's units (fractions, or CIDEr x1).
 */
public final class Outcomes {
  private Outcomes() {}

  public static MetricValue metric(io.vleval.tasks.metrics.MetricValue m, String unit) {
    ConfidenceInterval ci =
        m.interval() == null
            ? null
            : new ConfidenceInterval(
                m.interval().lower(),
                m.interval().upper(),
                m.interval().level(),
                m.interval().resamples());
    return new MetricValue(m.name(), m.value(), Direction.HIGHER_IS_BETTER, unit, ci);
  }

  /** The table's metrics that {@code keep} accepts. */
  public static List<MetricValue> metrics(ScoreTable table, Predicate<String> keep, String unit) {
    List<MetricValue> out = new ArrayList<>();
    for (io.vleval.tasks.metrics.MetricValue m : table.metrics()) {
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
