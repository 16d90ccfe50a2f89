package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.cli.testplugins.ColourAccuracyTaskProvider;
import io.vleval.core.run.ResultFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vleval run} end to end, in-process, with the test plugins and the baseline models. */
class RunCommandTest {

  @TempDir Path temp;

  private Path config(int count, String extra) throws IOException {
    Path file = temp.resolve("suite.yaml");
    Files.writeString(
        file,
        """
        run:
          name: suite
          seed: 42
          batch_size: 4
        models:
          - name: rnd
            type: random
          - name: pixels
            type: pixel-baseline
        datasets:
          - name: colours
            type: test-colours
            count: %d
            root: .
        %s
        tasks:
          - name: acc
            type: test-accuracy
            dataset: colours
        reporters:
          - type: test-summary
        """
            .formatted(count, extra));
    return file;
  }

  @AfterEach
  void clearCrash() {
    System.clearProperty("vleval.test.crashAfter");
  }

  private static List<double[]> metrics(RunResult r) {
    return r.tasks().stream()
        .map(t -> t.metrics().stream().mapToDouble(m -> m.value()).toArray())
        .toList();
  }

  @Test
  void writesTheRunDirectory() throws IOException {
    Path out = temp.resolve("run1");
    Cli.Result r = Cli.run("run", config(10, "").toString(), "--out", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(out.resolve("config.yaml")).exists();
    assertThat(Files.readString(out.resolve("config.sha256")).strip()).hasSize(64);
    assertThat(out.resolve("samples/rnd/acc.jsonl")).exists();
    assertThat(Files.readAllLines(out.resolve("samples/pixels/acc.jsonl"))).hasSize(10);
    RunResult result = ResultFiles.read(out);
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(out.resolve("results.json"))))
        .as("results are readable by others, like any output")
        .isEqualTo("rw-r--r--");
    assertThat(result.schemaVersion()).isEqualTo(1);
    assertThat(result.configSha256())
        .isEqualTo(Files.readString(out.resolve("config.sha256")).strip());
    assertThat(result.provenance().seed()).isEqualTo(42);
    assertThat(result.provenance().models()).extracting("name").containsExactly("rnd", "pixels");
    assertThat(result.provenance().datasets()).extracting("fingerprint").doesNotContainNull();
    assertThat(result.tasks()).hasSize(2);
    TaskResult t = result.tasks().get(0);
    assertThat(t.sampleCount()).isEqualTo(10);
    assertThat(t.wallSeconds()).isPositive();
    // the metric is the accuracy of the recorded predictions
    ObjectMapper json = new ObjectMapper();
    long correct = 0;
    for (String line : Files.readAllLines(out.resolve("samples/rnd/acc.jsonl"))) {
      correct += json.readTree(line).get("correct").asBoolean() ? 1 : 0;
    }
    assertThat(t.metric("accuracy").value()).isEqualTo(100.0 * correct / 10);
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertThat(csv.get(0)).startsWith("run_id,model,task,type,dataset,metric,value");
    assertThat(csv).hasSize(3);
    assertThat(r.out()).contains("accuracy");
    assertThat(out.resolve("summary.txt"))
        .as("the configured reporter ran")
        .hasContent(
            String.format(
                Locale.ROOT,
                "rnd acc accuracy=%.6f%npixels acc accuracy=%.6f%n",
                result.tasks().get(0).metric("accuracy").value(),
                result.tasks().get(1).metric("accuracy").value()));
  }

  @Test
  void sameConfigAndSeedGiveIdenticalMetrics() throws IOException {
    Path cfg = config(12, "");
    assertThat(Cli.run("run", cfg.toString(), "--out", temp.resolve("a").toString()).exitCode())
        .isZero();
    assertThat(Cli.run("run", cfg.toString(), "--out", temp.resolve("b").toString()).exitCode())
        .isZero();
    RunResult a = ResultFiles.read(temp.resolve("a"));
    RunResult b = ResultFiles.read(temp.resolve("b"));
    assertThat(metrics(b)).containsExactlyElementsOf(metrics(a));
    assertThat(b.tasks())
        .extracting(TaskResult::metrics)
        .isEqualTo(a.tasks().stream().map(TaskResult::metrics).toList());
    assertThat(Files.readString(temp.resolve("b/samples/rnd/acc.jsonl")))
        .isEqualTo(Files.readString(temp.resolve("a/samples/rnd/acc.jsonl")));
  }

  @Test
  void aCrashedRunResumesWithoutRecomputingAndEndsWithTheSameMetrics() throws IOException {
    Path cfg = config(30, "");
    Path full = temp.resolve("full");
    assertThat(Cli.run("run", cfg.toString(), "--out", full.toString()).exitCode()).isZero();

    Path out = temp.resolve("crashed");
    ColourAccuracyTaskProvider.PROCESSED.set(0);
    System.setProperty("vleval.test.crashAfter", "17");
    Cli.Result crashed = Cli.run("run", cfg.toString(), "--out", out.toString());
    assertThat(crashed.exitCode()).isEqualTo(ExitCode.INTERNAL_ERROR);
    assertThat(crashed.err()).contains("simulated crash");
    assertThat(out.resolve("results.json"))
        .as("an interrupted run does not look finished")
        .doesNotExist();
    int recorded = Files.readAllLines(out.resolve("samples/rnd/acc.jsonl")).size();
    assertThat(recorded).isEqualTo(16); // four whole batches of 4 before the crash

    System.clearProperty("vleval.test.crashAfter");
    ColourAccuracyTaskProvider.PROCESSED.set(0);
    Cli.Result resumed = Cli.run("run", cfg.toString(), "--out", out.toString(), "--resume");
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    assertThat(resumed.err()).contains("16 already recorded");
    // rnd: 30 - 16 remaining; pixels: all 30
    assertThat(ColourAccuracyTaskProvider.PROCESSED.get()).isEqualTo(14 + 30);
    assertThat(Files.readAllLines(out.resolve("samples/rnd/acc.jsonl"))).hasSize(30);
    assertThat(metrics(ResultFiles.read(out)))
        .containsExactlyElementsOf(metrics(ResultFiles.read(full)));
  }

  @Test
  void aTruncatedLastRecordIsRecomputed() throws IOException {
    Path cfg = config(8, "");
    Path out = temp.resolve("killed");
    assertThat(Cli.run("run", cfg.toString(), "--out", out.toString()).exitCode()).isZero();
    RunResult reference = ResultFiles.read(out);
    // as if the process was killed while writing: drop results and cut the last record in half
    Files.delete(out.resolve("results.json"));
    Path log = out.resolve("samples/rnd/acc.jsonl");
    String text = Files.readString(log);
    Files.writeString(log, text.substring(0, text.length() - 20));
    ColourAccuracyTaskProvider.PROCESSED.set(0);
    assertThat(Cli.run("run", cfg.toString(), "--out", out.toString(), "--resume").exitCode())
        .isZero();
    assertThat(ColourAccuracyTaskProvider.PROCESSED.get()).isEqualTo(1);
    assertThat(metrics(ResultFiles.read(out))).containsExactlyElementsOf(metrics(reference));
  }

  @Test
  void resumeRefusesAChangedConfig() throws IOException {
    Path out = temp.resolve("run");
    assertThat(Cli.run("run", config(6, "").toString(), "--out", out.toString()).exitCode())
        .isZero();
    Cli.Result r = Cli.run("run", config(7, "").toString(), "--out", out.toString(), "--resume");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(r.err().strip())
        .startsWith("error: " + out)
        .contains("the config changed since this run started");
  }

  @Test
  void aFinishedRunDirectoryIsNotOverwritten() throws IOException {
    Path out = temp.resolve("run");
    assertThat(Cli.run("run", config(6, "").toString(), "--out", out.toString()).exitCode())
        .isZero();
    Cli.Result r = Cli.run("run", config(6, "").toString(), "--out", out.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(r.err()).contains("already holds a run");
  }

  @Test
  void onErrorSkipRecordsTheBadSampleAndGoesOn() throws IOException {
    Path cfg = temp.resolve("skip.yaml");
    Files.writeString(
        cfg,
        """
        models:
          - name: rnd
            type: random
        datasets:
          - name: colours
            type: test-colours
            count: 9
            broken_index: 4
            on_error: skip
            root: .
        tasks:
          - name: acc
            type: test-accuracy
            dataset: colours
        """);
    Path out = temp.resolve("skip");
    Cli.Result r = Cli.run("run", cfg.toString(), "--out", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    TaskResult t = ResultFiles.read(out).tasks().get(0);
    assertThat(t.sampleCount()).isEqualTo(8);
    assertThat(t.errorCount()).isEqualTo(1);
    JsonNode error =
        new ObjectMapper()
            .readTree(Files.readAllLines(out.resolve("samples/rnd/acc.errors.jsonl")).get(0));
    assertThat(error.get("sampleId").asText()).isEqualTo("img-0004");
    assertThat(error.get("error").asText()).contains("img-4.png").contains("corrupt image");
  }

  @Test
  void withoutSkipABadSampleStopsTheRunWithItsFileNamed() throws IOException {
    Path cfg = config(9, "").resolveSibling("suite.yaml");
    Files.writeString(
        cfg, Files.readString(cfg).replace("count: 9", "count: 9\n    broken_index: 2"));
    Cli.Result r = Cli.run("run", cfg.toString(), "--out", temp.resolve("x").toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    List<String> lines = r.err().lines().toList();
    assertThat(lines.get(lines.size() - 1)).isEqualTo("error: img-2.png: corrupt image");
    assertThat(lines).filteredOn(l -> l.startsWith("error")).hasSize(1);
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void runConfigIsNormalizedWithDefaults() throws IOException {
    Path out = temp.resolve("n");
    assertThat(Cli.run("run", config(4, "").toString(), "--out", out.toString()).exitCode())
        .isZero();
    String normalized = Files.readString(out.resolve("config.yaml"));
    assertThat(normalized)
        .contains("embedding_size: 64")
        .contains("grid: 8")
        .contains("on_error: fail")
        .contains("batch_size: 4")
        .contains("root: \".\"");
    // the normalized config validates and hashes to the same value
    Path again = temp.resolve("again.yaml");
    Files.writeString(again, normalized);
    assertThat(Cli.run("validate", again.toString()).exitCode()).isZero();
  }
}
