package io.vleval.cli;

import io.vleval.api.result.MetricValue;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The plain-text scores table {@code run} ends with: one row per metric, with the task's counts of
 * samples scored, skipped (unreadable) and failed under {@code on_error: skip}; a task with no
 * score has one row that says so.
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
    out.flush();
  }
}
