package io.vleval.tasks.outcome;

import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.MetricValue;
import io.vleval.api.task.TaskOutcome;
import io.vleval.tasks.metrics.ScoreTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a score table whose per-group metrics are named {@code <group>/<metric>} into a task
 * outcome: the names without a slash are the task's metrics, each group a category breakdown.
 */
public final class YesNoOutcomes {
  private YesNoOutcomes() {}

  /**
   * @param counts samples per group, for the breakdowns
   * @param unit the unit of every metric ({@code ""} for fractions)
   */
  public static TaskOutcome of(
      String headline, ScoreTable table, Map<String, Long> counts, String unit) {
    List<MetricValue> metrics = new ArrayList<>();
    Map<String, List<MetricValue>> groups = new LinkedHashMap<>();
    for (MetricValue m : table.metrics()) {
      int slash = m.name().lastIndexOf('/');
      if (slash < 0) {
        metrics.add(Outcomes.metric(m, unit));
      } else {
        String group = m.name().substring(0, slash);
        MetricValue v = Outcomes.metric(m, unit);
        groups
            .computeIfAbsent(group, g -> new ArrayList<>())
            .add(
                new MetricValue(
                    m.name().substring(slash + 1), v.value(), v.direction(), unit, v.interval()));
      }
    }
    List<CategoryBreakdown> categories = new ArrayList<>();
    groups.forEach(
        (g, ms) -> categories.add(new CategoryBreakdown(g, counts.getOrDefault(g, 0L), ms)));
    return new TaskOutcome(headline, metrics, categories);
  }
}
