package io.vleval.reports.html;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.api.result.TaskTiming;
import io.vleval.reports.TestRuns;
import io.vleval.reports.run.FinishedRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task's section says where its wall time went, read back from results.json. */
class LeaderboardTimingTest {

  @TempDir Path temp;

  @Test
  void eachTaskShowsItsPhasesAndTheModelsShare() throws Exception {
    RunResult base = TestRuns.result("run-t", 0);
    List<TaskResult> tasks = new ArrayList<>();
    for (TaskResult t : base.tasks()) {
      double wall = t.wallSeconds();
      tasks.add(
          new TaskResult(
              t.task(),
              t.type(),
              t.version(),
              t.model(),
              t.dataset(),
              t.headline(),
              t.metrics(),
              t.categories(),
              t.sampleCount(),
              t.errorCount(),
              wall,
              t.samplesPerSecond(),
              t.skippedCount(),
              t.failedCount(),
              t.status(),
              t.warnings(),
              t.protocol(),
              new TaskTiming(0.1 * wall, 0.05 * wall, 0.8 * wall, 0.02 * wall, 7)));
    }
    RunResult run =
        new RunResult(
            base.schemaVersion(),
            base.runId(),
            base.name(),
            base.startedAt(),
            base.finishedAt(),
            base.config(),
            base.configSha256(),
            base.provenance(),
            tasks);
    String page =
        Leaderboard.render(
            List.of(FinishedRun.read(TestRuns.write(temp.resolve("t"), run, null))),
            null,
            new Leaderboard.Options("timing", 5));
    TaskResult first = tasks.get(0);
    assertThat(page)
        .contains(
            String.format(
                Locale.ROOT,
                "; time: decode %.1f s, preprocess %.1f s, model %.1f s (80.0%% of the wall time),"
                    + " metrics %.1f s",
                first.timing().decodeSeconds(),
                first.timing().preprocessSeconds(),
                first.timing().modelSeconds(),
                first.timing().metricSeconds()));
  }
}
