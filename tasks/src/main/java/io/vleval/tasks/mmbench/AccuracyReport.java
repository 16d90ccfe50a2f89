package io.vleval.tasks.mmbench;

import io.vleval.api.result.ConfidenceInterval;
import io.vleval.tasks.metrics.bootstrap.Bootstrap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * VLMEvalKit's {@code report_acc}: accuracy per split, overall, per level-2 category (abbreviated
 * with MMBench's map) and per category, each group's names sorted alphabetically, all in one column
 * map.
 *
 * <p>Accuracy = mean of hits of the rows in the split (and group); NaN where a split has no such
 * row. Splits are in sorted order (the reference uses Python set order, which is arbitrary for
 * several splits). A column name that occurs both as level-2 category and category holds the
 * category's values, as in the reference's dict.
 *
 * @param splits the splits, aligned with every column's values
 * @param columns column name to one accuracy per split, in report order
 */
public record AccuracyReport(List<String> splits, Map<String, double[]> columns) {

  private static final Map<String, String> MMB_ABBREVIATIONS =
      Map.of(
          "coarse_perception", "CP",
          "finegrained_perception (instance-level)", "FP-S",
          "finegrained_perception (cross-instance)", "FP-C",
          "logic_reasoning", "LR",
          "relation_reasoning", "RR",
          "attribute_reasoning", "AR");

  /** Builds the report over rows and their hits (aligned). */
  public static AccuracyReport of(List<McqItem> rows, int[] hits) {
    return compute(rows, hits, null);
  }

  /**
   * Bootstrap intervals resampling rows (circular groups or vanilla rows), one per column and split
   * in report order (columns outer, splits inner).
   */
  public static ConfidenceInterval[] intervals(
      List<McqItem> rows, int[] hits, Bootstrap bootstrap) {
    AccuracyReport full = compute(rows, hits, null);
    return bootstrap.intervals(
        rows.size(),
        units -> {
          AccuracyReport r = compute(rows, hits, units);
          double[] out = new double[full.columns.size() * full.splits.size()];
          int k = 0;
          for (String column : full.columns.keySet()) {
            double[] values = r.columns.get(column);
            for (int s = 0; s < full.splits.size(); s++) {
              int at = values == null ? -1 : r.splits.indexOf(full.splits.get(s));
              out[k++] = at < 0 ? Double.NaN : values[at];
            }
          }
          return out;
        });
  }

  private static AccuracyReport compute(List<McqItem> allRows, int[] allHits, int[] units) {
    if (allRows.size() != allHits.length) {
      throw new IllegalArgumentException(allRows.size() + " rows but " + allHits.length + " hits");
    }
    List<McqItem> rows = new ArrayList<>();
    List<Integer> hits = new ArrayList<>();
    int n = units == null ? allRows.size() : units.length;
    for (int k = 0; k < n; k++) {
      int i = units == null ? k : units[k];
      rows.add(allRows.get(i));
      hits.add(allHits[i]);
    }
    List<String> splits =
        new ArrayList<>(new TreeSet<>(allRows.stream().map(McqItem::split).toList()));
    Map<String, double[]> columns = new LinkedHashMap<>();
    columns.put("Overall", accuracy(rows, hits, splits, r -> true));
    boolean hasL2 = allRows.stream().anyMatch(r -> r.l2Category() != null);
    if (hasL2) {
      for (String ability :
          new TreeSet<>(allRows.stream().map(r -> String.valueOf(r.l2Category())).toList())) {
        columns.put(
            MMB_ABBREVIATIONS.getOrDefault(ability, ability),
            accuracy(rows, hits, splits, r -> ability.equals(String.valueOf(r.l2Category()))));
      }
    }
    boolean hasCategory = allRows.stream().anyMatch(r -> r.category() != null);
    if (hasCategory) {
      for (String ability :
          new TreeSet<>(allRows.stream().map(r -> String.valueOf(r.category())).toList())) {
        columns.put(
            MMB_ABBREVIATIONS.getOrDefault(ability, ability),
            accuracy(rows, hits, splits, r -> ability.equals(String.valueOf(r.category()))));
      }
    }
    return new AccuracyReport(List.copyOf(splits), columns);
  }

  private static double[] accuracy(
      List<McqItem> rows, List<Integer> hits, List<String> splits, Predicate<McqItem> in) {
    double[] out = new double[splits.size()];
    for (int s = 0; s < splits.size(); s++) {
      long sum = 0;
      long count = 0;
      for (int i = 0; i < rows.size(); i++) {
        McqItem r = rows.get(i);
        if (r.split().equals(splits.get(s)) && in.test(r)) {
          sum += hits.get(i);
          count++;
        }
      }
      out[s] = count == 0 ? Double.NaN : (double) sum / count;
    }
    return out;
  }
}
