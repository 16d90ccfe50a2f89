package io.vleval.tasks.mmvet;

import io.vleval.api.result.ConfidenceInterval;
import io.vleval.api.result.MetricValue;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.bootstrap.Bootstrap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * MM-Vet's scores as {@code mm-vet_evaluator.py}'s {@code export_result} computes them for one run,
 * in percent: {@code total} = 100 x the mean grade over all samples (the headline), and per
 * capability ({@code rec}, {@code ocr}, {@code know}, {@code gen}, {@code spat}, {@code math}) 100
 * x the mean grade of the samples that need it, in the evaluator's column order (most frequent
 * capability first; ties in order of first appearance). The evaluator rounds to one decimal; the
 * values here are not rounded. Intervals resample samples.
 */
public final class MmvetScores {
  private MmvetScores() {}

  /** One graded sample: its capabilities and grade. */
  public record Item(List<String> capabilities, double score) {}

  /** The capabilities in the evaluator's order ({@code Counter.most_common()}). */
  public static List<String> capabilities(List<Item> items) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Item it : items) {
      for (String c : new TreeSet<>(it.capabilities())) {
        counts.merge(c, 1, Integer::sum);
      }
    }
    List<String> order = new ArrayList<>(counts.keySet());
    order.sort(Comparator.comparing(c -> -counts.get(c)));
    return order;
  }

  /** {@code total}, then one value per capability. */
  public static ScoreTable score(List<Item> items, Optional<Bootstrap> bootstrap) {
    List<String> caps = capabilities(items);
    boolean[][] has = new boolean[caps.size()][items.size()];
    for (int c = 0; c < caps.size(); c++) {
      for (int i = 0; i < items.size(); i++) {
        has[c][i] = items.get(i).capabilities().contains(caps.get(c));
      }
    }
    int[] all = new int[items.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    double[] values = compute(items, has, all);
    ConfidenceInterval[] intervals =
        bootstrap.map(b -> b.intervals(items.size(), u -> compute(items, has, u))).orElse(null);
    List<MetricValue> metrics = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      metrics.add(
          ScoreTable.metric(
              i == 0 ? "total" : caps.get(i - 1),
              values[i],
              intervals == null ? null : intervals[i]));
    }
    return new ScoreTable("mmvet", "sample", items.size(), metrics);
  }

  private static double[] compute(List<Item> items, boolean[][] has, int[] units) {
    double[] sum = new double[1 + has.length];
    long[] count = new long[sum.length];
    for (int u : units) {
      double s = items.get(u).score();
      sum[0] += s;
      count[0]++;
      for (int c = 0; c < has.length; c++) {
        if (has[c][u]) {
          sum[c + 1] += s;
          count[c + 1]++;
        }
      }
    }
    double[] out = new double[sum.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = count[i] == 0 ? Double.NaN : sum[i] / count[i] * 100;
    }
    return out;
  }
}
