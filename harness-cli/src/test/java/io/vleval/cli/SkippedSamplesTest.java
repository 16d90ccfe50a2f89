package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.api.result.TaskStatus;
import io.vleval.core.run.ResultFiles;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticDatasetProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Samples left out under {@code on_error: skip}: their counts (unreadable and failed) show on the
 * console and in the score table, and a task whose every sample is unreadable has no score, for
 * every task family: one line on the console with its counts, {@code NO_SCORE} in {@code
 * results.json}, a failing gate that says why, reporters that still render, and exit code 2; never
 * an internal error or a NaN score.
 */
class SkippedSamplesTest {

  private static final long SEED = 3;

  /** Task name to its type, one per task family. */
  private static final Map<String, String> FAMILIES =
      Map.of(
          "zero-shot", "zero-shot-classification",
          "linear-probe", "linear-probe",
          "segmentation", "semantic-segmentation",
          "video", "zero-shot-video-classification",
          "retrieval", "retrieval",
          "captioning", "captioning",
          "mmbench", "mmbench");

  @TempDir static Path cache;

  @TempDir Path temp;

  /** The tiny synthetic suite with every evaluation image, video and base64 image made garbage. */
  @BeforeAll
  static void breakTheEvaluationParts() throws IOException {
    Path suite = SyntheticDatasetProvider.ensureSuite(cache, Scale.TINY, SEED, 2);
    List<Path> broken = new ArrayList<>();
    for (String dir :
        List.of(
            "classification/val",
            "ADEChallengeData2016/images/validation",
            "captions/images",
            "kinetics/videos/val")) {
      try (Stream<Path> files = Files.walk(suite.resolve(dir))) {
        files.filter(Files::isRegularFile).forEach(broken::add);
      }
    }
    assertThat(broken).hasSizeGreaterThan(20);
    for (Path f : broken) {
      Files.writeString(f, "not an image or a video");
    }
    Path tsv = suite.resolve("mmbench/mmbench_dev_en.tsv");
    List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
    List<String> header = List.of(lines.get(0).split("\t", -1));
    int image = header.indexOf("image");
    assertThat(image).isNotNegative();
    List<String> rewritten = new ArrayList<>(List.of(lines.get(0)));
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split("\t", -1);
      cells[image] = "bm90IGFuIGltYWdl"; // base64 of "not an image"
      rewritten.add(String.join("\t", cells));
    }
    Files.write(tsv, rewritten, StandardCharsets.UTF_8);
  }

  private Path config() throws IOException {
    String dataset = "type: synthetic, scale: tiny, seed: %d, cache: '%s'".formatted(SEED, cache);
    Path file = temp.resolve("broken.yaml");
    Files.writeString(
        file,
        """
        run:
          name: broken
          batch_size: 4
        models:
          - {name: pixels, type: pixel-baseline}
          - {name: rnd, type: random}
        datasets:
          - {name: shapes-train, %1$s, part: classification-train}
          - {name: shapes-val, %1$s, part: classification-val, on_error: skip}
          - {name: scenes-train, %1$s, part: segmentation-train}
          - {name: scenes-val, %1$s, part: segmentation-val, on_error: skip}
          - {name: clips-val, %1$s, part: video-val, on_error: skip}
          - {name: captions-test, %1$s, part: captions-test, on_error: skip}
          - {name: questions, %1$s, part: mmbench, on_error: skip}
        tasks:
          - {name: zero-shot, type: zero-shot-classification, dataset: shapes-val, models: [pixels]}
          - {name: linear-probe, type: linear-probe, dataset: shapes-val,
             train_dataset: shapes-train, epochs: 2, batch_size: 16, models: [pixels]}
          - {name: segmentation, type: semantic-segmentation, dataset: scenes-val,
             train_dataset: scenes-train, recipe: patch-probe, epochs: 2, models: [pixels]}
          - {name: video, type: zero-shot-video-classification, dataset: clips-val,
             models: [pixels]}
          - {name: retrieval, type: retrieval, dataset: captions-test, models: [pixels]}
          - {name: captioning, type: captioning, dataset: captions-test, models: [rnd]}
          - {name: mmbench, type: mmbench, dataset: questions, models: [rnd]}
        reporters:
          - {type: html}
          - {type: allure}
        gates:
          rules:
            - {task: zero-shot, min: 0.0}
        """
            .formatted(dataset));
    return file;
  }

  @Test
  void everyTaskFamilyWithOnlyUnreadableSamplesEndsWithNoScore() throws IOException {
    Path out = temp.resolve("run");
    Cli.Result r = Cli.run("run", config().toString(), "--out", out.toString());

    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(r.err()).doesNotContain("internal error").doesNotContain("\tat ");
    RunResult result = ResultFiles.read(out);
    assertThat(result.tasks()).extracting(TaskResult::task).hasSameElementsAs(FAMILIES.keySet());
    for (TaskResult t : result.tasks()) {
      assertThat(t.type()).isEqualTo(FAMILIES.get(t.task()));
      assertThat(t.status()).as(t.task()).isEqualTo(TaskStatus.NO_SCORE);
      assertThat(t.metrics()).as(t.task()).isEmpty();
      assertThat(t.headline()).as(t.task()).isNull();
      assertThat(t.sampleCount()).as(t.task()).isZero();
      assertThat(t.skippedCount()).as(t.task()).isPositive().isEqualTo(t.errorCount());
      assertThat(t.failedCount()).as(t.task()).isZero();
      assertThat(out.resolve("samples/" + t.model() + "/" + t.task() + ".errors.jsonl"))
          .content()
          .contains("\"kind\":\"unreadable\"");
      String line =
          "["
              + t.model()
              + "] "
              + t.task()
              + ": NO SCORE: none of the "
              + t.seenCount()
              + " samples of dataset '"
              + t.dataset()
              + "' could be scored ("
              + t.skippedCount()
              + " skipped as unreadable, 0 failed";
      assertThat(r.err()).as(t.task()).contains(line).contains("error: " + line);
      assertThat(r.out())
          .as("the score table's row for " + t.task())
          .containsPattern(
              "(?m)^"
                  + t.model()
                  + " +"
                  + t.task()
                  + " +- +no score +0 +"
                  + t.skippedCount()
                  + " +0$");
    }
    assertThat(r.out()).doesNotContain("NaN");
    assertThat(r.err()).contains("7 of 7 task runs have no score");

    JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    assertThat(json.get("tasks").get(0).get("status").asText()).isEqualTo("NO_SCORE");
    assertThat(json.get("tasks").get(0).get("skippedCount").asLong()).isPositive();

    JsonNode gate = new ObjectMapper().readTree(out.resolve("gates.json").toFile());
    assertThat(gate.toString())
        .contains("task 'zero-shot' on model 'pixels' has no score: none of its");
    assertThat(r.out()).contains("FAIL pixels/zero-shot");
    assertThat(out.resolve("leaderboard.html")).exists();
    assertThat(out.resolve("allure-results")).isNotEmptyDirectory();
  }

  @Test
  void skippedAndFailedSamplesAreCountedOnTheConsoleAndInTheTable() throws IOException {
    Path cfg = temp.resolve("some.yaml");
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
    Path out = temp.resolve("some");
    System.setProperty("vleval.test.failSample", "img-0006");
    Cli.Result r;
    try {
      r = Cli.run("run", cfg.toString(), "--out", out.toString());
    } finally {
      System.clearProperty("vleval.test.failSample");
    }
    assertThat(r.exitCode()).as(r.err()).isZero();
    TaskResult t = ResultFiles.read(out).tasks().get(0);
    assertThat(t.status()).isEqualTo(TaskStatus.SCORED);
    assertThat(t.sampleCount()).isEqualTo(7);
    assertThat(t.skippedCount()).isEqualTo(1);
    assertThat(t.failedCount()).isEqualTo(1);
    assertThat(t.errorCount()).isEqualTo(2);
    assertThat(out.resolve("samples/rnd/acc.errors.jsonl"))
        .content()
        .contains("\"sampleId\":\"img-0004\"")
        .contains("\"kind\":\"unreadable\"")
        .contains("simulated model failure on sample img-0006")
        .contains("\"kind\":\"failed\"");
    assertThat(r.err()).contains("(7 samples, 1 skipped (unreadable), 1 failed, ");
    assertThat(r.out())
        .containsPattern("(?m)^model +task +metric +value +95% CI +samples +skipped +failed$")
        .containsPattern("(?m)^rnd +acc +accuracy +[0-9.]+ +7 +1 +1$");
  }
}
