package io.vleval.tasks.vqa;

import io.vleval.api.result.ConfidenceInterval;
import io.vleval.api.result.MetricValue;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.bootstrap.Bootstrap;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Averages per-question accuracies into the reference's report: the overall mean (VQA API {@code
 * accuracy['overall']}, GQA {@code Accuracy}), then the mean of each group a question belongs to
 * (answer types, GQA's binary/open and structural and semantic types), groups in sorted order.
 * Values are fractions, unrounded (the VQA API prints percent rounded to two decimals).
 *
 * <p>Intervals: the overall accuracy's is {@link Bootstrap#meanInterval} over questions; each
 * group's resamples the questions of that group only.
 */
public final class VqaAccuracy {

  private VqaAccuracy() {}

  /** One scored question: its accuracy and the groups it counts in. */
  public record Scored(double accuracy, List<String> groups) {
    public Scored {
      groups = List.copyOf(groups);
    }
  }

  /**
   * @param family the table's family name (e.g. {@code vqav2})
   * @param headline the overall metric's name (e.g. {@code accuracy})
   * @param scored every scored question, in order
   */
  public static ScoreTable table(
      String family, String headline, List<Scored> scored, ScoreOptions options) {
    Optional<Bootstrap> bootstrap = options.bootstrap();
    double[] all = new double[scored.size()];
    Map<String, List<Double>> groups = new TreeMap<>();
    for (int i = 0; i < all.length; i++) {
      all[i] = scored.get(i).accuracy();
      for (String g : scored.get(i).groups()) {
        groups.computeIfAbsent(g, k -> new ArrayList<>()).add(all[i]);
      }
    }
    Map<String, double[]> columns = new LinkedHashMap<>();
    columns.put(headline, all);
    for (Map.Entry<String, List<Double>> g : groups.entrySet()) {
      if (!columns.containsKey(g.getKey())) {
        columns.put(g.getKey(), g.getValue().stream().mapToDouble(Double::doubleValue).toArray());
      }
    }
    List<MetricValue> metrics = new ArrayList<>();
    for (Map.Entry<String, double[]> c : columns.entrySet()) {
      double[] values = c.getValue();
      ConfidenceInterval ci = bootstrap.map(b -> b.meanInterval(values)).orElse(null);
      metrics.add(ScoreTable.metric(c.getKey(), mean(values), ci));
    }
    return new ScoreTable(family, "question", all.length, metrics);
  }

  /** {@code float(sum(values)) / len(values)}, summed in order as Python does; NaN when empty. */
  public static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return values.length == 0 ? Double.NaN : sum / values.length;
  }
}
