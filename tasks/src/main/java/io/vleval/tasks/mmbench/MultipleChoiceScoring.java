package io.vleval.tasks.mmbench;

import io.vleval.api.result.ConfidenceInterval;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.scoring.ScoreInputException;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import io.vleval.tasks.metrics.scoring.Tables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code vleval score mmbench}: VLMEvalKit's MMBench accuracy report (exact matching judge) from
 * the dataset TSV and a predictions TSV.
 */
public final class MultipleChoiceScoring {

  private MultipleChoiceScoring() {}

  /**
   * @param predictions predictions TSV: the dataset's columns (image may be absent) plus {@code
   *     prediction}
   * @param dataset the dataset TSV ({@code index, question, hint, A..D, answer, category,
   *     l2-category, split, image}) giving the answer key
   * @param circular CircularEval (MMBench's protocol: a question scores only if all its rotations
   *     are right) or vanilla per-row accuracy
   * @return {@code Overall}, then level-2 categories and categories; with several splits each name
   *     is prefixed {@code <split>/}; the unit is a question (circular group) or a row (vanilla)
   */
  public static ScoreTable score(
      Path predictions, Path dataset, boolean circular, ScoreOptions options) {
    Map<Long, String> answers = MultipleChoiceTsv.answers(dataset);
    List<McqItem> items = MultipleChoiceTsv.predictions(predictions);
    for (McqItem item : items) {
      if (!answers.containsKey(item.index())) {
        throw new ScoreInputException(
            predictions,
            "index " + item.index(),
            "not in the dataset "
                + dataset
                + " (predictions must be the dataset or a subset of it)");
      }
    }
    return score(items, answers, circular, options);
  }

  /** Scores in-memory rows against an answer key. */
  public static ScoreTable score(
      List<McqItem> items, Map<Long, String> answers, boolean circular, ScoreOptions options) {
    McqEvaluation.Result result =
        circular ? McqEvaluation.circular(items, answers) : McqEvaluation.vanilla(items, answers);
    int[] hits = result.hits();
    AccuracyReport report = AccuracyReport.of(result.reportRows(), hits);
    List<String> names = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    boolean prefix = report.splits().size() > 1;
    for (Map.Entry<String, double[]> column : report.columns().entrySet()) {
      for (int s = 0; s < report.splits().size(); s++) {
        names.add(prefix ? report.splits().get(s) + "/" + column.getKey() : column.getKey());
        values.add(column.getValue()[s]);
      }
    }
    ConfidenceInterval[] intervals =
        options
            .bootstrap()
            .map(b -> AccuracyReport.intervals(result.reportRows(), hits, b))
            .orElse(null);
    return Tables.table(
        circular ? "mmbench_circular" : "mmbench_vanilla",
        circular ? "question" : "row",
        hits.length,
        names,
        values.stream().mapToDouble(Double::doubleValue).toArray(),
        intervals);
  }
}
