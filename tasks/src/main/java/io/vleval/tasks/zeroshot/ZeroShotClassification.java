package io.vleval.tasks.zeroshot;

import io.vleval.api.result.ConfidenceInterval;
import io.vleval.tasks.metrics.bootstrap.Bootstrap;

/**
 * Zero-shot classification accuracy as CLIP_benchmark's {@code zeroshot_classification.py} reports
 * it.
 *
 * <ul>
 *   <li>top-k accuracy = (1/n) &Sigma;<sub>i</sub> [rank<sub>i</sub> &lt; k], where
 *       rank<sub>i</sub> = #{j : l<sub>ij</sub> &gt; l<sub>i,t<sub>i</sub></sub>} + #{j &lt;
 *       t<sub>i</sub> : l<sub>ij</sub> = l<sub>i,t<sub>i</sub></sub>} (CLIP_benchmark's {@code
 *       accuracy()} uses {@code torch.topk}, whose order among equal logits is unspecified; ties
 *       are broken here by lowest class index, deterministically). Top-5 is only computed when the
 *       dataset has at least 5 classes (otherwise NaN, as the reference).
 *   <li>mean per-class recall = scikit-learn {@code balanced_accuracy_score(target,
 *       argmax(logits))}: the mean over classes that occur in the targets of (#correct argmax
 *       predictions of the class / #samples of the class); argmax takes the first maximal index;
 *       classes without samples are excluded even when predicted.
 * </ul>
 *
 * Reproduces the CLIP_benchmark numbers in {@code fixtures/metrics/zeroshot_classification.json}.
 */
public final class ZeroShotClassification {

  private ZeroShotClassification() {}

  /**
   * @param logits n x C logits (rows = samples)
   * @param target n targets in [0, C)
   * @param numClasses the dataset's number of classes (decides whether top-5 is computed)
   */
  public static ClassificationScores evaluate(float[][] logits, int[] target, int numClasses) {
    validate(logits, target, numClasses);
    int n = target.length;
    int[] ranks = targetRanks(logits, target);
    int[] predictions = argmax(logits);
    double top1 = hitFraction(ranks, 1, null);
    double top5 = numClasses >= 5 ? hitFraction(ranks, 5, null) : Double.NaN;
    double recall = meanPerClassRecall(target, predictions, numClasses, null);
    return new ClassificationScores(top1, top5, recall, n);
  }

  /** Bootstrap intervals for {top1, top5, meanPerClassRecall}, resampling samples. */
  public static ConfidenceInterval[] intervals(
      float[][] logits, int[] target, int numClasses, Bootstrap bootstrap) {
    validate(logits, target, numClasses);
    int[] ranks = targetRanks(logits, target);
    int[] predictions = argmax(logits);
    return intervalsFromRanks(ranks, predictions, target, numClasses, bootstrap);
  }

  /**
   * The same scores from per-sample summaries, as a task records them (logits of a 1000-class
   * dataset are too big to keep per sample): the target's rank and the argmax prediction.
   */
  public static ClassificationScores evaluateRanks(
      int[] ranks, int[] predictions, int[] target, int numClasses) {
    if (ranks.length != target.length || predictions.length != target.length) {
      throw new IllegalArgumentException("ranks, predictions and targets differ in length");
    }
    double top1 = hitFraction(ranks, 1, null);
    double top5 = numClasses >= 5 ? hitFraction(ranks, 5, null) : Double.NaN;
    return new ClassificationScores(
        top1, top5, meanPerClassRecall(target, predictions, numClasses, null), target.length);
  }

  /**
   * Bootstrap intervals for {top1, top5, meanPerClassRecall} from per-sample ranks and predictions.
   * BCa, with the exact jackknife in linear time: accuracies in closed form {@code (hits - hit_j) /
   * (n - 1)}, mean per-class recall from the per-class counts minus sample {@code j}'s.
   */
  public static ConfidenceInterval[] intervalsFromRanks(
      int[] ranks, int[] predictions, int[] target, int numClasses, Bootstrap bootstrap) {
    int n = target.length;
    int size = numClasses;
    for (int p : predictions) {
      size = Math.max(size, p + 1);
    }
    long[] support = new long[size];
    long[] correct = new long[size];
    long hits1 = 0;
    long hits5 = 0;
    for (int i = 0; i < n; i++) {
      support[target[i]]++;
      correct[target[i]] += predictions[i] == target[i] ? 1 : 0;
      hits1 += ranks[i] < 1 ? 1 : 0;
      hits5 += ranks[i] < 5 ? 1 : 0;
    }
    double recallSum = 0;
    int present = 0;
    for (int c = 0; c < size; c++) {
      if (support[c] > 0) {
        recallSum += (double) correct[c] / support[c];
        present++;
      }
    }
    long top1Hits = hits1;
    long top5Hits = hits5;
    double recallTotal = recallSum;
    int classes = present;
    return bootstrap.intervals(
        n,
        units ->
            new double[] {
              hitFraction(ranks, 1, units),
              numClasses >= 5 ? hitFraction(ranks, 5, units) : Double.NaN,
              meanPerClassRecall(target, predictions, numClasses, units)
            },
        j -> {
          int t = target[j];
          int hit = predictions[j] == t ? 1 : 0;
          double sum = recallTotal - (double) correct[t] / support[t];
          int k = classes;
          if (support[t] > 1) {
            sum += (double) (correct[t] - hit) / (support[t] - 1);
          } else {
            k--;
          }
          return new double[] {
            (double) (top1Hits - (ranks[j] < 1 ? 1 : 0)) / (n - 1),
            numClasses >= 5 ? (double) (top5Hits - (ranks[j] < 5 ? 1 : 0)) / (n - 1) : Double.NaN,
            k == 0 ? Double.NaN : sum / k
          };
        });
  }

  /** Rank of a target among one sample's logits, ties broken by lowest class index (0 = top-1). */
  public static int targetRank(float[] row, int t) {
    float v = row[t];
    int rank = 0;
    for (int j = 0; j < t; j++) {
      rank += row[j] >= v ? 1 : 0;
    }
    for (int j = t + 1; j < row.length; j++) {
      rank += row[j] > v ? 1 : 0;
    }
    return rank;
  }

  /**
   * Rank of each sample's target among its logits, ties broken by lowest class index (0 = top-1).
   */
  public static int[] targetRanks(float[][] logits, int[] target) {
    int[] ranks = new int[target.length];
    for (int i = 0; i < target.length; i++) {
      float[] row = logits[i];
      int t = target[i];
      float v = row[t];
      int rank = 0;
      for (int j = 0; j < t; j++) {
        rank += row[j] >= v ? 1 : 0;
      }
      for (int j = t + 1; j < row.length; j++) {
        rank += row[j] > v ? 1 : 0;
      }
      ranks[i] = rank;
    }
    return ranks;
  }

  /** First index of the maximal logit of each row ({@code numpy.argmax}). */
  public static int[] argmax(float[][] logits) {
    int[] out = new int[logits.length];
    for (int i = 0; i < logits.length; i++) {
      float[] row = logits[i];
      int best = 0;
      for (int j = 1; j < row.length; j++) {
        if (row[j] > row[best]) {
          best = j;
        }
      }
      out[i] = best;
    }
    return out;
  }

  /**
   * scikit-learn {@code balanced_accuracy_score}: mean recall over the classes present in {@code
   * target}.
   *
   * @param units sample indices to use (with repetitions), or {@code null} for all samples
   */
  public static double meanPerClassRecall(
      int[] target, int[] predictions, int numClasses, int[] units) {
    int size = numClasses;
    for (int p : predictions) {
      size = Math.max(size, p + 1);
    }
    long[] support = new long[size];
    long[] correct = new long[size];
    int n = units == null ? target.length : units.length;
    for (int k = 0; k < n; k++) {
      int i = units == null ? k : units[k];
      support[target[i]]++;
      if (predictions[i] == target[i]) {
        correct[target[i]]++;
      }
    }
    double sum = 0;
    int classes = 0;
    for (int c = 0; c < size; c++) {
      if (support[c] > 0) {
        sum += (double) correct[c] / support[c];
        classes++;
      }
    }
    return classes == 0 ? Double.NaN : sum / classes;
  }

  private static double hitFraction(int[] ranks, int k, int[] units) {
    int n = units == null ? ranks.length : units.length;
    if (n == 0) {
      return Double.NaN;
    }
    long hits = 0;
    for (int j = 0; j < n; j++) {
      hits += ranks[units == null ? j : units[j]] < k ? 1 : 0;
    }
    return (double) hits / n;
  }

  private static void validate(float[][] logits, int[] target, int numClasses) {
    if (logits.length != target.length) {
      throw new IllegalArgumentException(
          "logits has " + logits.length + " rows but there are " + target.length + " targets");
    }
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
    }
    for (int i = 0; i < target.length; i++) {
      int width = logits[i].length;
      if (target[i] < 0 || target[i] >= width) {
        throw new IllegalArgumentException(
            "target["
                + i
                + "] = "
                + target[i]
                + " is outside [0, "
                + width
                + ") of its logits row");
      }
      if (numClasses >= 5 && width < 5) {
        throw new IllegalArgumentException(
            "logits row "
                + i
                + " has "
                + width
                + " columns but top-5 needs at least 5 (torch.topk refuses k > width)");
      }
    }
  }
}
