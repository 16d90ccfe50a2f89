package io.vleval.cli;

import io.vleval.api.result.MetricValue;
import io.vleval.api.result.TaskResult;
import io.vleval.core.run.RunListener;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Shows a run's progress: a redrawn bar on a terminal, plain lines every few seconds otherwise (so
 * CI logs stay readable).
 */
final class ProgressPrinter implements RunListener {
  private static final long LINE_INTERVAL_NANOS = 5_000_000_000L;

  private final Console console;
  private long lastLine;
  private long taskStart;

  ProgressPrinter(Console console) {
    this.console = console;
  }

  @Override
  public void runStarted(Path runDirectory, int taskRuns) {
    console.err().println("run directory: " + runDirectory + " (" + taskRuns + " task runs)");
    console.err().flush();
  }

  @Override
  public void taskStarted(String model, String task, long total, long alreadyDone) {
    taskStart = System.nanoTime();
    lastLine = taskStart;
    String resumed = alreadyDone > 0 ? ", " + alreadyDone + " already recorded" : "";
    console
        .err()
        .println(
            "["
                + model
                + "] "
                + task
                + ": "
                + (total >= 0 ? total + " samples" : "streaming")
                + resumed);
    console.err().flush();
  }

  @Override
  public void samplesDone(String model, String task, long done, long total) {
    long now = System.nanoTime();
    if (console.interactive()) {
      console
          .err()
          .print("\r" + bar(done, total) + " " + done + (total >= 0 ? "/" + total : "") + "  ");
      console.err().flush();
    } else if (now - lastLine >= LINE_INTERVAL_NANOS || done == total) {
      lastLine = now;
      console
          .err()
          .println(
              "["
                  + model
                  + "] "
                  + task
                  + ": "
                  + done
                  + (total >= 0 ? "/" + total : "")
                  + " samples");
      console.err().flush();
    }
  }

  @Override
  public void taskFinished(TaskResult result) {
    if (console.interactive()) {
      console.err().println();
    }
    if (!result.scored()) {
      console.err().println(noScore(result));
      console.err().flush();
      return;
    }
    MetricValue headline = result.metric(result.headline());
    console
        .err()
        .println(
            String.format(
                Locale.ROOT,
                "[%s] %s: %s = %.4f%s (%s, %.1f s)",
                result.model(),
                result.task(),
                headline.name(),
                headline.value(),
                headline.unit(),
                counts(result),
                result.wallSeconds()));
    for (String warning : result.warnings()) {
      console.err().println("[" + result.model() + "] " + result.task() + ": warning: " + warning);
    }
    console.err().flush();
  }

  /** How many samples were scored, and how many were skipped or failed when there were any. */
  static String counts(TaskResult result) {
    String scored = result.sampleCount() + " samples";
    if (result.skippedCount() == 0 && result.failedCount() == 0) {
      return scored;
    }
    return scored
        + ", "
        + result.skippedCount()
        + " skipped (unreadable), "
        + result.failedCount()
        + " failed";
  }

  /** The line that says a task has no score, with its counts. */
  static String noScore(TaskResult result) {
    return "["
        + result.model()
        + "] "
        + result.task()
        + ": NO SCORE: none of the "
        + result.seenCount()
        + " samples of dataset '"
        + result.dataset()
        + "' could be scored ("
        + result.skippedCount()
        + " skipped as unreadable, "
        + result.failedCount()
        + " failed under on_error: skip; reasons in samples/"
        + result.model()
        + "/"
        + result.task()
        + ".errors.jsonl)";
  }

  private static String bar(long done, long total) {
    int width = 30;
    if (total <= 0) {
      return "[" + "=".repeat((int) (done % width)) + "]";
    }
    int filled = (int) Math.min(width, done * width / total);
    return "[" + "#".repeat(filled) + " ".repeat(width - filled) + "]";
  }
}
