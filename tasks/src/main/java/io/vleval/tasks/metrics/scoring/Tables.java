package io.vleval.tasks.metrics.scoring;

import io.vleval.api.result.ConfidenceInterval;
import io.vleval.api.result.MetricValue;
import io.vleval.tasks.metrics.ScoreTable;
import java.util.ArrayList;
import java.util.List;

/** Builds a {@link ScoreTable} from aligned names, values and optional intervals. */
public final class Tables {

  private Tables() {}

  public static ScoreTable table(
      String family,
      String unit,
      int units,
      List<String> names,
      double[] values,
      ConfidenceInterval[] intervals) {
    if (names.size() != values.length || (intervals != null && intervals.length != values.length)) {
      throw new IllegalStateException(
          "misaligned metrics: " + names.size() + " names, " + values.length + " values");
    }
    List<MetricValue> metrics = new ArrayList<>(names.size());
    for (int i = 0; i < values.length; i++) {
      metrics.add(
          ScoreTable.metric(names.get(i), values[i], intervals == null ? null : intervals[i]));
    }
    return new ScoreTable(family, unit, units, metrics);
  }
}
