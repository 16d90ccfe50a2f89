package io.vleval.reports.html;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.api.result.TaskStatus;
import io.vleval.reports.TestRuns;
import io.vleval.reports.run.FinishedRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every score shows the protocol that gave it; a faster variant stands out from the reference. */
class LeaderboardProtocolTest {

  @TempDir Path temp;

  private static TaskResult withProtocol(TaskResult t, String protocol) {
    return new TaskResult(
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
        t.wallSeconds(),
        t.samplesPerSecond(),
        t.skippedCount(),
        t.failedCount(),
        TaskStatus.SCORED,
        t.warnings(),
        protocol);
  }

  @Test
  void eachScoreNamesItsProtocol() throws Exception {
    RunResult base = TestRuns.result("run-p", 0);
    List<TaskResult> tasks = new ArrayList<>();
    for (TaskResult t : base.tasks()) {
      tasks.add(
          withProtocol(
              t,
              t.model().equals("rnd") && t.task().equals("zero-shot")
                  ? "cached-features"
                  : "reference"));
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
            List.of(FinishedRun.read(TestRuns.write(temp.resolve("p"), run, null))),
            null,
            new Leaderboard.Options("protocols", 5));
    assertThat(page)
        .contains("<span class=\"proto variant\">cached-features</span>")
        .contains("<span class=\"proto\">reference</span>")
        .contains(", protocol cached-features), dataset ");
  }
}
