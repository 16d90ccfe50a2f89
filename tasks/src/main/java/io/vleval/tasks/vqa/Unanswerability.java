package io.vleval.tasks.vqa;

import io.vleval.api.result.ConfidenceInterval;
import io.vleval.api.result.MetricValue;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.bootstrap.Bootstrap;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * VizWiz's unanswerability scores, as its {@code VQAEval.evaluate_unanswerability} computes them
 * from answers alone: a question is predicted unanswerable when its prediction, normalised as
 * VizWiz's scorer does ({@link AnswerNormalizer#VIZWIZ}), is {@code unanswerable}; with
 * "unanswerable" (annotation {@code answerable == 0}) as the positive class,
 *
 * <ul>
 *   <li>{@code unanswerable_ap}: scikit-learn's {@code average_precision_score} on those 0/1
 *       scores, {@code sum_n (R_n - R_(n-1)) P_n} over the thresholds 1 then 0, which is {@code R1
 *       P1 + (1 - R1) P/N} ({@code R1}, {@code P1}: recall and precision of the predicted
 *       unanswerable; {@code P/N}: the unanswerable share), or {@code P/N} when the predictions are
 *       all one value;
 *   <li>{@code unanswerable_f1}: {@code f1_score}, {@code 2 TP / (2 TP + FP + FN)}, 0 when that is
 *       0 / 0.
 * </ul>
 *
 * NaN when no question is unanswerable (scikit-learn warns and its value is not meaningful).
 */
public final class Unanswerability {

  private Unanswerability() {}

  /** Whether VizWiz's scorer reads {@code prediction} as "unanswerable". */
  public static boolean predictsUnanswerable(String prediction) {
    return AnswerNormalizer.VIZWIZ.normalize(prediction).equals("unanswerable");
  }

  /**
   * @param unanswerable per question, whether the annotation says unanswerable
   * @param predicted per question, whether the prediction says unanswerable
   * @return {@code unanswerable_ap} and {@code unanswerable_f1}, with intervals over questions when
   *     a bootstrap is given
   */
  public static List<MetricValue> metrics(
      boolean[] unanswerable, boolean[] predicted, Optional<Bootstrap> bootstrap) {
    int n = unanswerable.length;
    double[] point = compute(unanswerable, predicted, null);
    ConfidenceInterval[] ci =
        bootstrap
            .map(b -> b.intervals(n, units -> compute(unanswerable, predicted, units)))
            .orElse(null);
    List<MetricValue> out = new ArrayList<>();
    out.add(ScoreTable.metric("unanswerable_ap", point[0], ci == null ? null : ci[0]));
    out.add(ScoreTable.metric("unanswerable_f1", point[1], ci == null ? null : ci[1]));
    return out;
  }

  /** {AP, F1} over the questions {@code units} (all when null). */
  static double[] compute(boolean[] unanswerable, boolean[] predicted, int[] units) {
    int n = units == null ? unanswerable.length : units.length;
    long positives = 0;
    long tp = 0;
    long fp = 0;
    long predictedPositive = 0;
    for (int k = 0; k < n; k++) {
      int i = units == null ? k : units[k];
      if (unanswerable[i]) {
        positives++;
      }
      if (predicted[i]) {
        predictedPositive++;
        if (unanswerable[i]) {
          tp++;
        } else {
          fp++;
        }
      }
    }
    if (n == 0 || positives == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double share = (double) positives / n;
    double ap;
    if (predictedPositive == 0 || predictedPositive == n) {
      ap = share;
    } else {
      double recall = (double) tp / positives;
      double precision = (double) tp / (tp + fp);
      ap = recall * precision + (1 - recall) * share;
    }
    long fn = positives - tp;
    double f1 = 2 * tp + fp + fn == 0 ? 0 : 2.0 * tp / (2 * tp + fp + fn);
    return new double[] {ap, f1};
  }
}
