package io.vleval.results;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.result.MetricValue;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.api.result.TaskStatus;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** {@code results.csv} lists every task, a task with no score included, with its counts. */
class ResultCsvTest {

  private static TaskResult task(String name, TaskStatus status, List<MetricValue> metrics) {
    return new TaskResult(
        name,
        "zero-shot-classification",
        "1",
        "m",
        "val",
        metrics.isEmpty() ? null : metrics.get(0).name(),
        metrics,
        List.of(),
        metrics.isEmpty() ? 0 : 8,
        metrics.isEmpty() ? 10 : 2,
        1.5,
        4.0,
        metrics.isEmpty() ? 9 : 2,
        metrics.isEmpty() ? 1 : 0,
        status,
        List.of(),
        "reference");
  }

  @Test
  void aTaskWithNoScoreKeepsItsRowAndEveryRowCarriesStatusAndCounts() throws IOException {
    RunResult run =
        new RunResult(
            RunResult.SCHEMA_VERSION,
            "r1",
            "r",
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:01:00Z",
            "",
            "",
            null,
            List.of(
                task(
                    "scored",
                    TaskStatus.SCORED,
                    List.of(MetricValue.higherIsBetter("acc1", 62.5, "%"))),
                task("empty", TaskStatus.NO_SCORE, List.of())));
    List<CSVRecord> rows =
        CSVFormat.DEFAULT
            .builder()
            .setHeader()
            .get()
            .parse(new StringReader(ResultCodec.csv(run, ',')))
            .getRecords();
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).get("task")).isEqualTo("scored");
    assertThat(rows.get(0).get("status")).isEqualTo("scored");
    assertThat(rows.get(0).get("value")).isEqualTo("62.5");
    assertThat(rows.get(0).get("skipped")).isEqualTo("2");
    assertThat(rows.get(1).get("task")).isEqualTo("empty");
    assertThat(rows.get(1).get("status")).isEqualTo("no_score");
    assertThat(rows.get(1).get("metric")).isEmpty();
    assertThat(rows.get(1).get("value")).isEmpty();
    assertThat(rows.get(1).get("skipped")).isEqualTo("9");
    assertThat(rows.get(1).get("failed")).isEqualTo("1");
  }
}
