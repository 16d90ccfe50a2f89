package io.vleval.reports.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.result.RunResult;
import io.vleval.reports.TestRuns;
import io.vleval.results.ResultCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The json and csv reporters write exactly the runner's formats (one implementation: ResultCodec).
 */
class FileReportersTest {

  @TempDir Path temp;

  @Test
  void jsonIsTheResultsFormatAndReadsBack() throws Exception {
    RunResult r = TestRuns.result("run-1", 0);
    new JsonReporterProvider()
        .report(new JsonReporterProvider.Spec("copy/results.json", null), r, temp);
    String written = Files.readString(temp.resolve("copy/results.json"));
    assertThat(written).isEqualTo(ResultCodec.json(r, true));
    assertThat(ResultCodec.parse(written, "x").tasks()).hasSize(3);
    Path elsewhere = temp.resolve("abs.json").toAbsolutePath();
    new JsonReporterProvider()
        .report(new JsonReporterProvider.Spec(elsewhere.toString(), false), r, temp.resolve("run"));
    assertThat(Files.readAllLines(elsewhere)).hasSize(1);
    // NaN survives the round trip
    assertThat(
            ResultCodec.parse(Files.readString(elsewhere), "x")
                .tasks()
                .get(2)
                .metric("BLEU-4")
                .value())
        .isNaN();
  }

  @Test
  void csvIsTheResultsFormatWithTheChosenDelimiter() throws Exception {
    RunResult r = TestRuns.result("run-1", 0);
    new CsvReporterProvider().report(new CsvReporterProvider.Spec(null, null), r, temp);
    assertThat(Files.readString(temp.resolve("results.csv"))).isEqualTo(ResultCodec.csv(r, ','));
    new CsvReporterProvider()
        .report(new CsvReporterProvider.Spec("r.tsv", CsvReporterProvider.Delimiter.TAB), r, temp);
    var lines = Files.readAllLines(temp.resolve("r.tsv"));
    assertThat(lines.get(0)).startsWith("run_id\tmodel\ttask\ttype\tdataset\tmetric\tvalue");
    assertThat(lines).hasSize(1 + 6);
  }
}
