package io.vleval.tasks.zeroshot;

import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.MetricValue;
import io.vleval.api.task.TaskOutcome;
import io.vleval.tasks.metrics.ScoreTable;
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
    boolean[] correct = new boolean[n];
    // one pass, each record read once: the records may be decoded from disk on every get
    for (int i = 0; i < n; i++) {
      ClassPrediction r = records.get(i);
      ranks[i] = r.rank();
      predicted[i] = r.predicted();
      target[i] = r.label();
      correct[i] = r.correct();
    }
    ScoreTable table =
        ClassificationScoring.scoreRanks(ranks, predicted, target, classNames.size(), options);
    List<MetricValue> metrics = new ArrayList<>(Outcomes.metrics(table, name -> true, ""));
    if (withMeanOfTop1AndTop5) {
      // Kinetics' headline in the InternVL paper: the mean of top-1 and top-5
      double mean = (table.value("acc1") + table.value("acc5")) / 2;
      metrics.add(MetricValue.higherIsBetter("mean_top1_top5", mean, ""));
    }
    long[] supports = new long[classNames.size()];
    long[] hitsPerClass = new long[classNames.size()];
    for (int i = 0; i < n; i++) {
      if (target[i] >= 0 && target[i] < supports.length) {
        supports[target[i]]++;
        hitsPerClass[target[i]] += correct[i] ? 1 : 0;
      }
    }
    List<CategoryBreakdown> categories = new ArrayList<>();
    for (int c = 0; c < classNames.size(); c++) {
      long support = supports[c];
      long hits = hitsPerClass[c];
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
