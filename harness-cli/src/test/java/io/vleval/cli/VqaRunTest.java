package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.api.result.TaskStatus;
import io.vleval.core.run.ResultFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VQA-family tasks end to end through {@code vleval run}: the synthetic suite's four VQA
 * layouts, read by their loaders, answered by the {@code random} baseline, each task scored with
 * its accuracy the mean of its records' accuracies and its protocol recorded; and the run's VQAv2
 * predictions, written as the VQA API's results file, score the same through {@code vleval score
 * vqav2} with the same scorer.
 */
class VqaRunTest {

  @TempDir Path temp;

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void randomBaselineOnTheSyntheticVqaLayouts() throws IOException {
    Path cache = temp.resolve("cache");
    String dataset = "type: synthetic, scale: tiny, seed: 5, cache: '%s'".formatted(cache);
    Path config = temp.resolve("vqa.yaml");
    Files.writeString(
        config,
        """
        run:
          name: vqa
          batch_size: 8
        models:
          - {name: rnd, type: random}
        datasets:
          - {name: vqav2, %1$s, part: vqav2}
          - {name: textvqa, %1$s, part: textvqa}
          - {name: vizwiz, %1$s, part: vizwiz}
          - {name: gqa, %1$s, part: gqa}
        tasks:
          - {name: vqav2, type: vqav2, dataset: vqav2, resamples: 100}
          - {name: textvqa, type: textvqa, dataset: textvqa, resamples: 100}
          - {name: vizwiz, type: vizwiz, dataset: vizwiz, resamples: 100}
          - {name: gqa, type: gqa, dataset: gqa, resamples: 100}
          - {name: vqav2-api, type: vqav2, dataset: vqav2, scorer: vqa-2021, resamples: 0}
        """
            .formatted(dataset));
    Path out = temp.resolve("run");
    Cli.Result r = Cli.run("run", config.toString(), "--out", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    RunResult result = ResultFiles.read(out);
    assertThat(result.tasks()).hasSize(5);
    for (TaskResult t : result.tasks()) {
      assertThat(t.status()).as(t.task()).isEqualTo(TaskStatus.SCORED);
      List<String> lines = Files.readAllLines(out.resolve("samples/rnd/" + t.task() + ".jsonl"));
      assertThat(lines).as(t.task()).hasSize((int) t.sampleCount()).isNotEmpty();
      double sum = 0;
      for (String line : lines) {
        JsonNode record = JSON.readTree(line);
        assertThat(record.get("answers").size()).isPositive();
        sum += record.get("accuracy").asDouble();
      }
      assertThat(t.metric("accuracy").value())
          .as(t.task())
          .isCloseTo(sum / lines.size(), Offset.offset(1e-12));
    }
    assertThat(result.tasks().get(0).protocol()).isEqualTo("reference");
    assertThat(result.tasks().get(4).protocol()).isEqualTo("llava, scorer vqa-2021");

    // the run's predictions as the VQA API's results file score the same through vleval score
    ArrayNode results = JSON.createArrayNode();
    for (String line : Files.readAllLines(out.resolve("samples/rnd/vqav2-api.jsonl"))) {
      JsonNode record = JSON.readTree(line);
      results
          .addObject()
          .put("question_id", record.get("sampleId").asLong())
          .put("answer", record.get("prediction").asText());
    }
    Path resultsFile = temp.resolve("results.json");
    JSON.writeValue(resultsFile.toFile(), results);
    Path annotations =
        Files.list(cache)
            .filter(p -> p.getFileName().toString().startsWith("synthetic-"))
            .findFirst()
            .orElseThrow()
            .resolve("vqav2/v2_mscoco_val2014_annotations.json");
    Cli.Result scored =
        Cli.run(
            "score",
            "vqav2",
            resultsFile.toString(),
            annotations.toString(),
            "--scorer",
            "vqa-2021",
            "--json",
            "--resamples",
            "0");
    assertThat(scored.exitCode()).as(scored.err()).isZero();
    assertThat(JSON.readTree(scored.out()).get("metrics").get(0).get("value").asDouble())
        .isEqualTo(result.tasks().get(4).metric("accuracy").value());
  }
}
