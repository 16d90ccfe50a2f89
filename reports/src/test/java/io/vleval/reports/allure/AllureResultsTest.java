package io.vleval.reports.allure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.reports.TestRuns;
import io.vleval.reports.run.FinishedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllureResultsTest {

  @TempDir Path temp;
  private Path out;
  private final Map<String, JsonNode> byFullName = new HashMap<>();

  @BeforeEach
  void write() throws Exception {
    Path run = TestRuns.write(temp.resolve("run"), TestRuns.result("run-1", 0), TestRuns.gates());
    out = temp.resolve("allure-results");
    AllureResults.write(FinishedRun.read(run), out, true);
    try (Stream<Path> files = Files.list(out)) {
      for (Path f : files.filter(p -> p.toString().endsWith("-result.json")).toList()) {
        JsonNode n = new ObjectMapper().readTree(f.toFile());
        byFullName.put(n.path("fullName").asText(), n);
      }
    }
  }

  private static String label(JsonNode result, String name) {
    for (JsonNode l : result.path("labels")) {
      if (l.path("name").asText().equals(name)) {
        return l.path("value").asText();
      }
    }
    return null;
  }

  private static String param(JsonNode result, String name) {
    for (JsonNode p : result.path("parameters")) {
      if (p.path("name").asText().equals(name)) {
        return p.path("value").asText();
      }
    }
    return null;
  }

  @Test
  void oneResultPerTaskModelAndMetricLabelledModelTaskDataset() {
    assertThat(byFullName)
        .containsOnlyKeys(
            "vleval.rnd.zero-shot.top1",
            "vleval.rnd.zero-shot.top5",
            "vleval.pixels.zero-shot.top1",
            "vleval.pixels.zero-shot.top5",
            "vleval.rnd.captions.CIDEr",
            "vleval.rnd.captions.BLEU-4");
    JsonNode r = byFullName.get("vleval.rnd.zero-shot.top1");
    assertThat(label(r, "epic")).isEqualTo("rnd");
    assertThat(label(r, "feature")).isEqualTo("zero-shot");
    assertThat(label(r, "story")).isEqualTo("val");
    assertThat(r.path("name").asText()).isEqualTo("zero-shot / top1 = 10.00 %");
    assertThat(r.path("stage").asText()).isEqualTo("finished");
  }

  @Test
  void statusComesFromTheGates() {
    JsonNode failed = byFullName.get("vleval.rnd.zero-shot.top1");
    assertThat(failed.path("status").asText()).isEqualTo("failed");
    assertThat(failed.path("statusDetails").path("message").asText())
        .contains("below the floor min 20");
    assertThat(byFullName.get("vleval.pixels.zero-shot.top1").path("status").asText())
        .isEqualTo("passed");
    assertThat(byFullName.get("vleval.rnd.zero-shot.top5").path("status").asText())
        .isEqualTo("passed");
    // ungated NaN: broken
    assertThat(byFullName.get("vleval.rnd.captions.BLEU-4").path("status").asText())
        .isEqualTo("broken");
  }

  @Test
  void parametersComeFromTheConfigAndProvenance() {
    JsonNode r = byFullName.get("vleval.rnd.zero-shot.top1");
    assertThat(param(r, "value")).isEqualTo("10.00 %");
    assertThat(param(r, "interval")).isEqualTo("[8.0000, 12.00] (95.00%, 1000 resamples)");
    assertThat(param(r, "model.type")).isEqualTo("random");
    assertThat(param(r, "model.embedding_size")).isEqualTo("64");
    assertThat(param(r, "task.batch_size")).isEqualTo("16");
    assertThat(param(r, "task.prompt")).isEqualTo(TestRuns.IMG);
    assertThat(param(r, "dataset.type")).isEqualTo("imagefolder");
    assertThat(param(r, "dataset fingerprint")).isEqualTo("fp-val");
    assertThat(param(r, "seed")).isEqualTo("42");
  }

  @Test
  void attachesThePerSampleRecordsAndTheCategoryTable() throws Exception {
    JsonNode r = byFullName.get("vleval.rnd.zero-shot.top1");
    List<String> names = new ArrayList<>();
    for (JsonNode a : r.path("attachments")) {
      names.add(a.path("name").asText());
      assertThat(out.resolve(a.path("source").asText())).exists();
    }
    assertThat(names)
        .containsExactly(
            "per-sample records (samples/rnd/zero-shot.jsonl)", "per-category table (CSV)");
    JsonNode table = r.path("attachments").get(1);
    assertThat(table.path("type").asText()).isEqualTo("text/plain");
    assertThat(Files.readString(out.resolve(table.path("source").asText())))
        .startsWith("category,samples,top1")
        .contains("<script>alert(1)</script>,3,33.3");
    JsonNode captions = byFullName.get("vleval.rnd.captions.CIDEr");
    assertThat(captions.path("attachments")).hasSize(2);
    assertThat(out.resolve("environment.properties"))
        .content()
        .contains("seed=42")
        .contains("dataset.coco=");
  }

  @Test
  void untrustedTextIsEscapedInTheHtmlDescription() {
    for (JsonNode r : byFullName.values()) {
      String html = r.path("descriptionHtml").asText();
      assertThat(html)
          .doesNotContain("<script")
          .doesNotContain("<img")
          .doesNotContain("javascript:alert(3)\"");
      assertThat(r.path("description").isMissingNode() || r.path("description").isNull()).isTrue();
    }
    String top1 = byFullName.get("vleval.rnd.zero-shot.top1").path("descriptionHtml").asText();
    assertThat(top1)
        .contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>")
        .contains("<td>&quot;&gt;&lt;img src=x onerror=alert(2)&gt;</td>")
        .contains("FAIL: &#39;top1&#39; of task");
  }

  @Test
  void theSameRunGivesTheSameFiles() throws Exception {
    Path again = temp.resolve("again");
    AllureResults.write(FinishedRun.read(temp.resolve("run")), again, true);
    try (Stream<Path> a = Files.list(out);
        Stream<Path> b = Files.list(again)) {
      List<String> first = a.map(p -> p.getFileName().toString()).sorted().toList();
      assertThat(b.map(p -> p.getFileName().toString()).sorted().toList()).isEqualTo(first);
      for (String f : first) {
        assertThat(Files.readString(again.resolve(f))).isEqualTo(Files.readString(out.resolve(f)));
      }
    }
  }
}
