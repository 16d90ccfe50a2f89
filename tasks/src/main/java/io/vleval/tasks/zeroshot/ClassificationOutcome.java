package io.vleval.tasks.zeroshot;

import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.MetricValue;
import io.vleval.api.task.TaskOutcome;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.scoring.ClassificationScoring;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import io.vleval.tasks.outcome.Outcomes;
import java.util.ArrayList;
import java.util.List;

/**
 * Classification metrics (CLIP_benchmark's acc1, acc5, mean per-class recall) and per-class
 * accuracy from records.
 */
public final class ClassificationOutcome {
  private ClassificationOutcome() {}

  public static TaskOutcome of(
      List<ClassPrediction> records,
      List<String> classNames,
      ScoreOptions options,
      boolean withMeanOfTop1AndTop5) {
    int n = records.size();
    int[] ranks = new int[n];
    int[] predicted = new int[n];
    int[] target = new int[n];
    for (int i = 0; i < n; i++) {
      ranks[i] = records.get(i).rank();
      predicted[i] = records.get(i).predicted();
      target[i] = records.get(i).label();
    }
    ScoreTable table =
        ClassificationScoring.scoreRanks(ranks, predicted, target, classNames.size(), options);
    List<MetricValue> metrics = new ArrayList<>(Outcomes.metrics(table, name -> true, ""));
    if (withMeanOfTop1AndTop5) {
      // Kinetics' headline in the InternVL paper: the mean of top-1 and top-5
      double mean = (table.value("acc1") + table.value("acc5")) / 2;
      metrics.add(MetricValue.higherIsBetter("mean_top1_top5", mean, ""));
    }
    List<CategoryBreakdown> categories = new ArrayList<>();
    for (int c = 0; c < classNames.size(); c++) {
      long support = 0;
      long hits = 0;
      for (ClassPrediction r : records) {
        if (r.label() == c) {
          support++;
          hits += r.correct() ? 1 : 0;
        }
      }
      if (support > 0) {
        categories.add(
            new CategoryBreakdown(
                classNames.get(c),
                support,
                List.of(MetricValue.higherIsBetter("acc1", (double) hits / support, ""))));
      }
    }
    return new TaskOutcome(withMeanOfTop1AndTop5 ? "mean_top1_top5" : "acc1", metrics, categories);
  }
}
