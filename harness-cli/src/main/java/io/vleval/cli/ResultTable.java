package io.vleval.cli;

import io.vleval.api.result.MetricValue;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import java.io.PrintWriter;
import java.util.Locale;

/** The plain-text scores table {@code run} ends with. */
final class ResultTable {
  private ResultTable() {}

  static void print(RunResult result, PrintWriter out) {
    out.printf(
        Locale.ROOT, "%-20s %-24s %-28s %12s  %s%n", "model", "task", "metric", "value", "95% CI");
    for (TaskResult t : result.tasks()) {
      for (MetricValue m : t.metrics()) {
        String ci =
            m.interval() == null
                ? ""
                : String.format(
                    Locale.ROOT, "[%.4f, %.4f]", m.interval().lower(), m.interval().upper());
        out.printf(
            Locale.ROOT,
            "%-20s %-24s %-28s %12.4f  %s%n",
            t.model(),
            t.task(),
            m.name(),
            m.value(),
            ci);
      }
    }
    out.flush();
  }
}
