package io.vleval.tasks.pope;

import io.vleval.api.result.ConfidenceInterval;
import io.vleval.api.result.MetricValue;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.bootstrap.Bootstrap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * POPE's scores, as its {@code evaluate.py} prints them for one split and InternVL's {@code
 * eval_pope.py} summarizes the three: per split, with yes the positive class, {@code accuracy = (TP
 * + TN) / n}, {@code precision = TP / (TP + FP)}, {@code recall = TP / (TP + FN)}, {@code F1 = 2 P
 * R / (P + R)} and {@code yes_ratio} the share of replies read as yes; then {@code F1}, the mean of
 * the splits' F1 (InternVL's "Overall F1", the number its papers report), the headline. Where the
 * reference divides by zero (no reply read as yes, say) the value is NaN.
 *
 * <p>Splits are reported in the order {@code adversarial, popular, random} (InternVL lists the
 * annotation folder, which holds those three), then any other split in order of appearance.
 * Intervals resample questions.
 */
public final class PopeScores {
  private PopeScores() {}

  /** One scored question: its split, whether the label is yes, whether the reply reads as yes. */
  public record Item(String split, boolean labelYes, boolean predictedYes) {}

  private static final List<String> KNOWN = List.of("adversarial", "popular", "random");
  private static final List<String> PER_SPLIT =
      List.of("accuracy", "precision", "recall", "F1", "yes_ratio");

  /** The splits in report order. */
  public static List<String> splits(List<Item> items) {
    List<String> order = new ArrayList<>();
    for (String k : KNOWN) {
      if (items.stream().anyMatch(i -> i.split().equals(k))) {
        order.add(k);
      }
    }
    for (Item i : items) {
      if (!order.contains(i.split())) {
        order.add(i.split());
      }
    }
    return order;
  }

  /**
   * The scores: {@code F1}, then {@code <split>/accuracy}, {@code <split>/precision}, {@code
   * <split>/recall}, {@code <split>/F1}, {@code <split>/yes_ratio} per split.
   */
  public static ScoreTable score(List<Item> items, Optional<Bootstrap> bootstrap) {
    List<String> splits = splits(items);
    int[] splitOf = new int[items.size()];
    for (int i = 0; i < items.size(); i++) {
      splitOf[i] = splits.indexOf(items.get(i).split());
    }
    List<String> names = new ArrayList<>();
    names.add("F1");
    for (String s : splits) {
      for (String m : PER_SPLIT) {
        names.add(s + "/" + m);
      }
    }
    int[] all = new int[items.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    double[] values = compute(items, splitOf, splits.size(), all);
    ConfidenceInterval[] intervals =
        bootstrap
            .map(
                b ->
                    b.intervals(
                        items.size(), units -> compute(items, splitOf, splits.size(), units)))
            .orElse(null);
    List<MetricValue> metrics = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      metrics.add(
          ScoreTable.metric(names.get(i), values[i], intervals == null ? null : intervals[i]));
    }
    return new ScoreTable("pope", "question", items.size(), metrics);
  }

  /** Per split: TP, FP, TN, FN counted over {@code units}. */
  private static double[] compute(List<Item> items, int[] splitOf, int splits, int[] units) {
    long[][] counts = new long[splits][4];
    for (int u : units) {
      Item it = items.get(u);
      int cell = it.predictedYes() ? (it.labelYes() ? 0 : 1) : (it.labelYes() ? 3 : 2);
      counts[splitOf[u]][cell]++;
    }
    double[] out = new double[1 + splits * PER_SPLIT.size()];
    double f1Sum = 0;
    for (int s = 0; s < splits; s++) {
      double[] m = splitMetrics(counts[s][0], counts[s][1], counts[s][2], counts[s][3]);
      System.arraycopy(m, 0, out, 1 + s * PER_SPLIT.size(), m.length);
      f1Sum += m[3];
    }
    out[0] = splits == 0 ? Double.NaN : f1Sum / splits;
    return out;
  }

  /** accuracy, precision, recall, F1, yes-ratio from the confusion counts. */
  public static double[] splitMetrics(long tp, long fp, long tn, long fn) {
    long n = tp + fp + tn + fn;
    double precision = div(tp, tp + fp);
    double recall = div(tp, tp + fn);
    double f1 =
        precision + recall == 0 ? Double.NaN : 2 * precision * recall / (precision + recall);
    return new double[] {div(tp + tn, n), precision, recall, f1, div(tp + fp, n)};
  }

  private static double div(long a, long b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }

  /** The confusion counts per split, for reports: split to {TP, FP, TN, FN}. */
  public static Map<String, long[]> confusion(List<Item> items) {
    Map<String, long[]> out = new LinkedHashMap<>();
    for (String s : splits(items)) {
      out.put(s, new long[4]);
    }
    for (Item it : items) {
      long[] c = out.get(it.split());
      c[it.predictedYes() ? (it.labelYes() ? 0 : 1) : (it.labelYes() ? 3 : 2)]++;
    }
    return out;
  }
}
