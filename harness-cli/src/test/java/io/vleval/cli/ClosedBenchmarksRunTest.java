package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vleval run} end to end on the synthetic suite's POPE, MME and ScienceQA layouts with the
 * random baseline: every task scores, records its protocol, writes one record per question, and the
 * headline is what the records say.
 */
class ClosedBenchmarksRunTest {
  @TempDir Path temp;

  @Test
  void popeMmeAndScienceQaRunOnTheSyntheticSuite() throws IOException {
    Path cache = temp.resolve("cache");
    Path config = temp.resolve("closed.yaml");
    Files.writeString(
        config,
        """
        run: {name: closed, seed: 1, batch_size: 8}
        models:
          - {name: rnd, type: random}
        datasets:
          - {name: pope, type: synthetic, part: pope, scale: tiny, cache: %1$s}
          - {name: mme, type: synthetic, part: mme, scale: tiny, cache: %1$s}
          - {name: sqa, type: synthetic, part: scienceqa, scale: tiny, cache: %1$s}
        tasks:
          - {name: pope, type: pope, dataset: pope, resamples: 100}
          - {name: mme, type: mme, dataset: mme, resamples: 100, scorer: mme}
          - {name: sqa, type: scienceqa, dataset: sqa, resamples: 100}
        """
            .formatted(cache));
    Path out = temp.resolve("run");
    Cli.Result r = Cli.run("run", config.toString(), "--out", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    Map<String, JsonNode> byTask = new HashMap<>();
    for (JsonNode t : results.get("tasks")) {
      byTask.put(t.get("task").asText(), t);
    }
    assertThat(byTask.keySet()).containsExactlyInAnyOrder("pope", "mme", "sqa");
    assertThat(byTask.get("pope").get("protocol").asText()).isEqualTo("reference");
    assertThat(byTask.get("mme").get("protocol").asText()).isEqualTo("mme");
    assertThat(byTask.get("sqa").get("protocol").asText()).isEqualTo("reference");
    // the ScienceQA accuracy is the share of correct records
    List<String> lines = records(out, "sqa");
    long correct = lines.stream().filter(l -> l.contains("\"correct\":true")).count();
    JsonNode sqaMetric = byTask.get("sqa").get("metrics").get(0);
    assertThat(sqaMetric.get("name").asText()).isEqualTo("accuracy");
    assertThat(sqaMetric.get("value").asDouble()).isEqualTo((double) correct / lines.size());
    assertThat(sqaMetric.get("interval")).isNotNull();
    // POPE: 12 images x 3 splits x 2 questions on the tiny suite, each recorded with its reading
    assertThat(records(out, "pope"))
        .hasSize(72)
        .allSatisfy(l -> assertThat(l).contains("\"reading\""));
    assertThat(byTask.get("mme").get("metrics").get(0).get("name").asText()).isEqualTo("total");
  }

  private static List<String> records(Path run, String task) throws IOException {
    try (Stream<Path> files = Files.walk(run.resolve("samples"))) {
      Path f =
          files
              .filter(p -> p.getFileName().toString().equals(task + ".jsonl"))
              .findFirst()
              .orElseThrow();
      return Files.readAllLines(f).stream().filter(l -> !l.isBlank()).toList();
    }
  }
}
