package io.vleval.cli;

import io.vleval.api.result.MetricValue;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.api.result.TaskTiming;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The plain-text scores table {@code run} ends with: one row per metric, with the task's counts of
 * samples scored, skipped (unreadable) and failed under {@code on_error: skip}; a task with no
 * score has one row that says so. A second table says where each task's wall time went.
 */
final class ResultTable {
  private static final String ROW = "%-20s %-24s %-28s %12s  %-18s %8s %8s %8s%n";

  private ResultTable() {}

  static void print(RunResult result, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        ROW,
        "model",
        "task",
        "metric",
        "value",
        "95% CI",
        "samples",
        "skipped",
        "failed");
    for (TaskResult t : result.tasks()) {
      String samples = Long.toString(t.sampleCount());
      String skipped = Long.toString(t.skippedCount());
      String failed = Long.toString(t.failedCount());
      if (!t.scored()) {
        out.printf(
            Locale.ROOT, ROW, t.model(), t.task(), "-", "no score", "", samples, skipped, failed);
        continue;
      }
      for (MetricValue m : t.metrics()) {
        String ci =
            m.interval() == null
                ? ""
                : String.format(
                    Locale.ROOT, "[%.4f, %.4f]", m.interval().lower(), m.interval().upper());
        out.printf(
            Locale.ROOT,
            ROW,
            t.model(),
            t.task(),
            m.name(),
            String.format(Locale.ROOT, "%.4f", m.value()),
            ci,
            samples,
            skipped,
            failed);
      }
    }
    printTiming(result, out);
    out.flush();
  }

  private static final String TIMING_ROW = "%-20s %-24s %9s %9s %11s %9s %9s %8s %10s%n";

  /**
   * Where each task's wall time went: decoding, preprocessing, the model and the metrics, in
   * seconds, the model's share of the wall time and samples per wall second.
   */
  private static void printTiming(RunResult result, PrintWriter out) {
    if (result.tasks().stream().allMatch(t -> t.timing() == null)) {
      return;
    }
    out.println();
    out.printf(
        Locale.ROOT,
        TIMING_ROW,
        "model",
        "task",
        "wall s",
        "decode s",
        "preprocess s",
        "model s",
        "metric s",
        "model %",
        "samples/s");
    for (TaskResult t : result.tasks()) {
      TaskTiming time = t.timing();
      if (time == null) {
        continue;
      }
      out.printf(
          Locale.ROOT,
          TIMING_ROW,
          t.model(),
          t.task(),
          seconds(t.wallSeconds()),
          seconds(time.decodeSeconds()),
          seconds(time.preprocessSeconds()),
          seconds(time.modelSeconds()),
          seconds(time.metricSeconds()),
          String.format(Locale.ROOT, "%.1f", 100 * time.modelShare(t.wallSeconds())),
          String.format(Locale.ROOT, "%.1f", time.samplesPerWallSecond()));
    }
  }

  private static String seconds(double s) {
    return String.format(Locale.ROOT, "%.2f", s);
  }
}
