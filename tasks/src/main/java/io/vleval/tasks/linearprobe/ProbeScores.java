package io.vleval.tasks.linearprobe;

import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.ConfidenceInterval;
import io.vleval.api.result.MetricValue;
import io.vleval.api.task.TaskOutcome;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.bootstrap.Bootstrap;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import io.vleval.tasks.zeroshot.ClassPrediction;
import io.vleval.tasks.zeroshot.ClassificationOutcome;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;

/**
 * The probe's scores from its records. A single-label dataset gets the classification metrics
 * (acc1, acc5, mean per-class recall, per-class accuracy). A multi-label one (ImageNet-ReaL) gets
 * ReaL accuracy as the reference computes it ({@code RealLabelsImagenet}, from EVA): {@code acc1}
 * the share of images whose top class is among their accepted labels, {@code acc5} the share with
 * any of the top 5 among them (images with no accepted label are left out by the loader).
 */
final class ProbeScores {
  private ProbeScores() {}

  static TaskOutcome of(List<ProbePrediction> records, List<String> classNames, ScoreOptions o) {
    // the records may be decoded from disk on every get: each is read once per pass, and the
    // classification metrics see a view of them rather than a copy of every record
    boolean multiLabel = false;
    for (ProbePrediction r : records) {
      if (!r.accepted().isEmpty()) {
        multiLabel = true;
        break;
      }
    }
    if (!multiLabel) {
      List<ClassPrediction> view =
          new AbstractList<>() {
            @Override
            public ClassPrediction get(int index) {
              return records.get(index).asClassPrediction();
            }

            @Override
            public int size() {
              return records.size();
            }
          };
      return ClassificationOutcome.of(view, classNames, o, false);
    }
    int n = records.size();
    double[] top1 = new double[n];
    double[] top5 = new double[n];
    for (int i = 0; i < n; i++) {
      ProbePrediction r = records.get(i);
      top1[i] = r.correct() ? 1 : 0;
      top5[i] = r.hitAt(5) ? 1 : 0;
    }
    List<MetricValue> metrics = new ArrayList<>();
    metrics.add(metric("acc1", top1, o));
    if (classNames.size() >= 5) {
      metrics.add(metric("acc5", top5, o));
    }
    return new TaskOutcome("acc1", metrics, List.<CategoryBreakdown>of());
  }

  private static MetricValue metric(String name, double[] hits, ScoreOptions o) {
    double mean = 0;
    for (double h : hits) {
      mean += h;
    }
    mean /= hits.length;
    ConfidenceInterval ci =
        o.resamples() == 0
            ? null
            : new Bootstrap(o.resamples(), o.seed(), o.level()).meanInterval(hits);
    return ScoreTable.metric(name, mean, ci);
  }
}
