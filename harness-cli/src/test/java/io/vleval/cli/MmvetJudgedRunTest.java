package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.core.run.ResultFiles;
import io.vleval.testkit.fake.FakeChatServer;
import io.vleval.testkit.fake.FakeChatServer.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MM-Vet end to end through {@code vleval run}: the tiny chat model answers the synthetic suite's
 * MM-Vet part and a judge behind {@code openai-compatible} (a fake server) grades each reply by a
 * rule the test applies again to the records: 1.0 when the reply contains the ground truth (every
 * {@code <AND>} element, any {@code <OR>} element), else 0.0. The grades, the total and the
 * per-capability scores follow from the records; the results name the judge; a resumed run asks the
 * judge nothing again; without {@code judge:} the run is refused at validation.
 */
class MmvetJudgedRunTest {

  /** The grader prompt's few-shot table ends with this row end and a blank line. */
  private static final String TABLE_END = " | 1.0\n\n";

  @TempDir Path temp;
  private FakeChatServer judge;

  @BeforeEach
  void server() {
    judge = new FakeChatServer(r -> Response.reply(gradeFromPrompt(r.prompt())));
  }

  @AfterEach
  void stop() {
    judge.close();
  }

  /**
   * Reads {@code question | ground truth | prediction | } after the few-shot table (the question
   * and the ground truth hold no bar; the prediction may) and grades it.
   */
  private static String gradeFromPrompt(String prompt) {
    int at = prompt.indexOf(TABLE_END);
    if (at < 0 || !prompt.endsWith(" | ")) {
      return "not a grader prompt";
    }
    String row = prompt.substring(at + TABLE_END.length(), prompt.length() - " | ".length());
    String[] parts = row.split(" \\| ", 3);
    if (parts.length < 3) {
      return "not a grader row";
    }
    // the grader prompt spaces out <AND> and <OR>
    return grade(parts[1].replace(" <AND> ", "<AND>").replace(" <OR> ", "<OR>"), parts[2])
        ? "1.0"
        : "0.0";
  }

  /** The rule: every {@code <AND>} element, or any {@code <OR>} element, in the reply. */
  static boolean grade(String groundTruth, String prediction) {
    String p = prediction.toLowerCase(Locale.ROOT);
    if (groundTruth.contains("<AND>")) {
      for (String e : groundTruth.split("<AND>")) {
        if (!p.contains(e.trim().toLowerCase(Locale.ROOT))) {
          return false;
        }
      }
      return true;
    }
    for (String e : groundTruth.split("<OR>")) {
      if (p.contains(e.trim().toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private Path config(boolean withJudge) throws IOException {
    String yaml =
        """
        run: {name: mmvet, seed: 3, batch_size: 4, cache: %s}
        models:
          - {name: chat, type: internvl, checkpoint: %s}
        judges:
          - name: grader
            type: openai-compatible
            base_url: %s
            model: gpt-4-0613
        datasets:
          - {name: mm-vet, type: synthetic, part: mmvet, scale: tiny}
        tasks:
          - {name: mm-vet, type: mmvet, dataset: mm-vet, max_new_tokens: 40, resamples: 200%s}
        """
            .formatted(
                temp.resolve("cache"),
                Path.of(System.getProperty("vleval.repoRoot")).resolve("models/tiny-internvl-chat"),
                judge.baseUrl(),
                withJudge ? ", judge: grader" : "");
    Path file = temp.resolve("mmvet.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private static List<JsonNode> records(Path runDir) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(runDir.resolve("samples/chat/mm-vet.jsonl"))) {
      out.add(json.readTree(line));
    }
    return out;
  }

  @Test
  void theJudgeGradesEveryReplyAndTheScoresFollowFromTheRecords() throws IOException {
    Path out = temp.resolve("run");
    Cli.Result r = Cli.run("run", config(true).toString(), "--out", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();

    List<JsonNode> records = records(out);
    assertThat(records).hasSize(12);
    double sum = 0;
    Map<String, double[]> byCapability = new TreeMap<>();
    for (JsonNode a : records) {
      double expected = grade(a.path("answer").asText(), a.path("prediction").asText()) ? 1 : 0;
      assertThat(a.path("score").asDouble()).as(a.toString()).isEqualTo(expected);
      assertThat(a.path("judgeReplies").toString())
          .isEqualTo(expected == 1 ? "[\"1.0\"]" : "[\"0.0\"]");
      assertThat(a.path("judge").asText()).isEqualTo("grader");
      sum += expected;
      for (JsonNode c : a.path("capabilities")) {
        double[] s = byCapability.computeIfAbsent(c.asText(), k -> new double[2]);
        s[0] += expected;
        s[1]++;
      }
    }
    assertThat(byCapability).containsKeys("rec", "math", "spat");
    // the tiny model names some colours and misses other answers: both grades occur
    assertThat(sum).isPositive().isLessThan(records.size());
    // one request per sample: every grade was read on the first try
    assertThat(judge.requests()).hasSize(records.size());
    assertThat(judge.requests().get(0).body().toString()).doesNotContain("image_url");

    RunResult result = ResultFiles.read(out);
    TaskResult row = result.tasks().get(0);
    assertThat(row.judge()).isEqualTo("grader");
    assertThat(row.headline()).isEqualTo("total");
    assertThat(row.metric("total").value()).isCloseTo(100 * sum / records.size(), within(1e-9));
    Map<String, Double> scored = new TreeMap<>();
    for (CategoryBreakdown c : row.categories()) {
      if (c.sampleCount() > 0) {
        scored.put(c.category(), c.metrics().get(0).value());
        assertThat(c.sampleCount()).isEqualTo((long) byCapability.get(c.category())[1]);
      }
    }
    assertThat(scored.keySet()).isEqualTo(byCapability.keySet());
    byCapability.forEach(
        (cap, s) -> assertThat(scored.get(cap)).as(cap).isCloseTo(100 * s[0] / s[1], within(1e-9)));
    assertThat(result.provenance().judges()).extracting("name").containsExactly("grader");
    assertThat(result.provenance().judges().get(0).engine())
        .contains(judge.baseUrl())
        .contains("gpt-4-0613");

    // interrupted after half of its records: the resumed run grades the rest from the run's
    // replies and asks the judge nothing again
    Path file = out.resolve("samples/chat/mm-vet.jsonl");
    List<String> lines = Files.readAllLines(file);
    Files.write(file, lines.subList(0, lines.size() / 2));
    int asked = judge.requests().size();
    Cli.Result resumed =
        Cli.run("run", config(true).toString(), "--out", out.toString(), "--resume");
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    assertThat(judge.requests()).hasSize(asked);
    assertThat(Files.readAllLines(file)).hasSize(lines.size());
    assertThat(ResultFiles.read(out).tasks().get(0).metric("total").value())
        .isEqualTo(row.metric("total").value());
  }

  @Test
  void withoutAJudgeTheRunIsRefusedAtValidation() throws IOException {
    Path out = temp.resolve("unjudged");
    Cli.Result r = Cli.run("run", config(false).toString(), "--out", out.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    List<String> errors = r.err().lines().filter(l -> l.startsWith("error:")).toList();
    assertThat(errors)
        .singleElement()
        .asString()
        .contains("mmvet.yaml:")
        .contains("task 'mm-vet' (mmvet) grades replies with a judge model and names none")
        .contains("add 'judge:'");
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(out).doesNotExist();
    assertThat(judge.requests()).isEmpty();
  }
}
