package io.vleval.tasks.zeroshot;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.api.result.ConfidenceInterval;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.scoring.JsonFiles;
import io.vleval.tasks.metrics.scoring.ScoreInputException;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import io.vleval.tasks.metrics.scoring.Tables;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code vleval score classification}: CLIP_benchmark acc1, acc5 and mean per-class recall from
 * logits.
 */
public final class ClassificationScoring {

  /** Metric names, as CLIP_benchmark reports them. */
  public static final List<String> METRICS = List.of("acc1", "acc5", "mean_per_class_recall");

  private ClassificationScoring() {}

  /**
   * @param predictions JSON object with {@code "logits"}: n x C numbers
   * @param references JSON object with {@code "target"} (n class indices) and {@code "n_classes"};
   *     may be the same file as {@code predictions}
   */
  public static ScoreTable score(Path predictions, Path references, ScoreOptions options) {
    Map<String, Object> p = JsonFiles.objectWithMatrices(predictions, List.of("logits"));
    float[][] logits = (float[][]) p.get("logits");
    if (logits == null) {
      throw new ScoreInputException(
          predictions, "key \"logits\"", "missing (expected n x C numbers)");
    }
    JsonNode refs = JsonFiles.tree(references);
    int[] target = JsonFiles.intArray(refs.get("target"), references, "target");
    JsonNode classes = refs.get("n_classes");
    if (classes == null || !classes.isIntegralNumber() || classes.intValue() < 1) {
      throw new ScoreInputException(
          references, "key \"n_classes\"", "missing or not a positive integer");
    }
    if (target.length != logits.length) {
      throw new ScoreInputException(
          references,
          "key \"target\"",
          target.length + " targets but " + predictions + " has " + logits.length + " logits rows");
    }
    for (int i = 0; i < target.length; i++) {
      if (target[i] < 0 || target[i] >= logits[i].length) {
        throw new ScoreInputException(
            references,
            "key \"target\"[" + i + "]",
            "class " + target[i] + " is outside [0, " + logits[i].length + ") of the logits");
      }
    }
    return score(logits, target, classes.intValue(), options);
  }

  /** Scores in-memory logits. */
  public static ScoreTable score(
      float[][] logits, int[] target, int numClasses, ScoreOptions options) {
    ClassificationScores s = ZeroShotClassification.evaluate(logits, target, numClasses);
    ConfidenceInterval[] intervals =
        options
            .bootstrap()
            .map(b -> ZeroShotClassification.intervals(logits, target, numClasses, b))
            .orElse(null);
    return Tables.table(
        "classification",
        "sample",
        target.length,
        METRICS,
        new double[] {s.top1(), s.top5(), s.meanPerClassRecall()},
        intervals);
  }

  /** Scores per-sample target ranks and argmax predictions (what a task records per sample). */
  public static ScoreTable scoreRanks(
      int[] ranks, int[] predictions, int[] target, int numClasses, ScoreOptions options) {
    ClassificationScores s =
        ZeroShotClassification.evaluateRanks(ranks, predictions, target, numClasses);
    ConfidenceInterval[] intervals =
        options
            .bootstrap()
            .map(
                b ->
                    ZeroShotClassification.intervalsFromRanks(
                        ranks, predictions, target, numClasses, b))
            .orElse(null);
    return Tables.table(
        "classification",
        "sample",
        target.length,
        METRICS,
        new double[] {s.top1(), s.top5(), s.meanPerClassRecall()},
        intervals);
  }
}
