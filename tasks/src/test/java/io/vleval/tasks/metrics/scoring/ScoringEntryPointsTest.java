package io.vleval.tasks.metrics.scoring;

import static io.vleval.tasks.metrics.Fixtures.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.tasks.metrics.Fixtures;
import io.vleval.tasks.metrics.MetricValue;
import io.vleval.tasks.metrics.ScoreTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file-based entry points of {@code vleval score}, fed with fixture data written in the
 * documented formats.
 */
class ScoringEntryPointsTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  private static JsonNode fixtureCase(String file, String name) {
    return Fixtures.cases(file).stream()
        .filter(c -> c.get("name").asText().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private Path write(String name, JsonNode json) throws IOException {
    Path p = dir.resolve(name);
    MAPPER.writeValue(p.toFile(), json);
    return p;
  }

  private static void assertIntervalsContainValues(ScoreTable table) {
    for (MetricValue m : table.metrics()) {
      if (!Double.isNaN(m.value())) {
        assertThat(m.interval()).as(m.name()).isNotNull();
        assertThat(m.interval().lower())
            .as(m.name() + " lower")
            .isLessThanOrEqualTo(m.value() + 1e-12);
        assertThat(m.interval().upper())
            .as(m.name() + " upper")
            .isGreaterThanOrEqualTo(m.value() - 1e-12);
      }
    }
  }

  @Test
  void captioningFromCocoFiles() throws IOException {
    JsonNode c = fixtureCase("captioning.json", "random_corpus_40x5");
    ArrayNode results = MAPPER.createArrayNode();
    ArrayNode annotations = MAPPER.createArrayNode();
    for (JsonNode s : c.get("input")) {
      results
          .addObject()
          .put("image_id", s.get("image_id").asLong())
          .put("caption", s.get("prediction").asText());
      for (JsonNode r : s.get("references")) {
        annotations
            .addObject()
            .put("image_id", s.get("image_id").asLong())
            .put("caption", r.asText());
      }
    }
    ObjectNode refs = MAPPER.createObjectNode();
    refs.set("annotations", annotations);
    ScoreTable table =
        CaptionScoring.score(
            write("res.json", results), write("ann.json", refs), true, ScoreOptions.DEFAULT);
    assertThat(table.names())
        .containsExactly("Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr");
    assertThat(table.units()).isEqualTo(40);
    for (String name : table.names()) {
      assertClose(
          name,
          table.value(name),
          c.get("expected").get("corpus").get(name).doubleValue(),
          1e-9,
          1e-9);
    }
    assertIntervalsContainValues(table);
  }

  @Test
  void captioningErrorNamesFileAndEntry() throws IOException {
    Path res =
        write(
            "bad.json",
            MAPPER.readTree("[{\"image_id\": 1, \"caption\": \"a dog\"}, {\"image_id\": 2}]"));
    Path ann =
        write(
            "ann.json",
            MAPPER.readTree("{\"annotations\": [{\"image_id\": 1, \"caption\": \"a dog\"}]}"));
    assertThatThrownBy(() -> CaptionScoring.score(res, ann, true, ScoreOptions.NO_INTERVALS))
        .isInstanceOf(ScoreInputException.class)
        .hasMessage(res + ": entry 1: missing or non-string \"caption\"");
  }

  @Test
  void classificationFromJson() throws IOException {
    JsonNode c = fixtureCase("zeroshot_classification.json", "basic_10_classes");
    ObjectNode predictions = MAPPER.createObjectNode();
    predictions.set("logits", c.get("logits"));
    ObjectNode references = MAPPER.createObjectNode();
    references.set("target", c.get("target"));
    references.put("n_classes", c.get("n_classes").intValue());
    ScoreTable table =
        ClassificationScoring.score(
            write("p.json", predictions), write("r.json", references), ScoreOptions.DEFAULT);
    for (String name : ClassificationScoring.METRICS) {
      assertClose(name, table.value(name), c.get("expected").get(name).doubleValue(), 1e-9, 0);
    }
    assertIntervalsContainValues(table);
  }

  @Test
  void classificationErrorNamesTargetIndex() throws IOException {
    Path p = write("p.json", MAPPER.readTree("{\"logits\": [[0.1, 0.9], [0.3, 0.2]]}"));
    Path r = write("r.json", MAPPER.readTree("{\"target\": [0, 7], \"n_classes\": 2}"));
    assertThatThrownBy(() -> ClassificationScoring.score(p, r, ScoreOptions.NO_INTERVALS))
        .isInstanceOf(ScoreInputException.class)
        .hasMessage(r + ": key \"target\"[1]: class 7 is outside [0, 2) of the logits");
  }

  @Test
  void retrievalFromOneFileWithScoresAndIndex() throws IOException {
    JsonNode c = fixtureCase("retrieval.json", "uneven_caption_counts");
    ObjectNode both = MAPPER.createObjectNode();
    both.set("scores", c.get("scores"));
    both.set("texts_image_index", c.get("texts_image_index"));
    Path file = write("retrieval.json", both);
    ScoreTable table = RetrievalScoring.score(file, file, ScoreOptions.DEFAULT);
    c.get("expected")
        .fields()
        .forEachRemaining(
            e ->
                assertClose(
                    e.getKey(), table.value(e.getKey()), e.getValue().doubleValue(), 1e-6, 0));
    assertThat(table.names()).contains("mean_recall");
    assertIntervalsContainValues(table);
  }

  @Test
  void retrievalRejectsRaggedScores() throws IOException {
    Path p = write("p.json", MAPPER.readTree("{\"scores\": [[0.1, 0.2], [0.3]]}"));
    assertThatThrownBy(() -> RetrievalScoring.score(p, p, ScoreOptions.NO_INTERVALS))
        .isInstanceOf(ScoreInputException.class)
        .hasMessage(p + ": key \"scores\"[1]: row has 1 numbers, row 0 has 2");
  }

  @Test
  void segmentationFromPngFolders() throws IOException {
    JsonNode c = fixtureCase("segmentation.json", "ade20k_like_png");
    Path predictions = Files.createDirectory(dir.resolve("pred"));
    Path labels = Files.createDirectory(dir.resolve("label"));
    for (int i = 0; i < c.get("label_files").size(); i++) {
      String name = "img_" + i + ".png";
      Files.copy(
          Fixtures.metrics().resolve(c.get("prediction_files").get(i).asText()),
          predictions.resolve(name));
      Files.copy(
          Fixtures.metrics().resolve(c.get("label_files").get(i).asText()), labels.resolve(name));
    }
    ScoreTable table =
        SegmentationScoring.score(predictions, labels, 150, 255, true, ScoreOptions.DEFAULT);
    assertClose(
        "aAcc", table.value("aAcc"), c.get("expected").get("aAcc_float64").doubleValue(), 1e-12, 0);
    c.get("expected")
        .get("mean_float64")
        .fields()
        .forEachRemaining(
            e ->
                assertClose(
                    e.getKey(), table.value(e.getKey()), e.getValue().doubleValue(), 1e-12, 0));
    assertThat(table.names()).contains("IoU.0", "Acc.149");
    assertIntervalsContainValues(table);
  }

  @Test
  void segmentationErrorNamesMissingPrediction() throws IOException {
    Path predictions = Files.createDirectory(dir.resolve("pred"));
    Path labels = Files.createDirectory(dir.resolve("label"));
    Files.copy(
        Fixtures.metrics().resolve("segmentation/ade_p_000_label.png"), labels.resolve("a.png"));
    assertThatThrownBy(
            () ->
                SegmentationScoring.score(
                    predictions, labels, 150, 255, true, ScoreOptions.NO_INTERVALS))
        .isInstanceOf(ScoreInputException.class)
        .hasMessageStartingWith(predictions + ": file a.png: missing prediction");
  }

  @Test
  void mmbenchCircularWithIntervals() {
    Path predictions = Fixtures.metrics().resolve("mmbench_public_predictions.tsv");
    Path dataset = Fixtures.metrics().resolve("mmbench_public.tsv");
    ScoreTable table =
        MultipleChoiceScoring.score(predictions, dataset, true, ScoreOptions.DEFAULT);
    assertThat(table.units()).isEqualTo(10);
    assertThat(table.value("Overall")).isEqualTo(0.5);
    assertIntervalsContainValues(table);
  }

  @Test
  void mmbenchErrorNamesUnknownIndex() throws IOException {
    Path dataset = dir.resolve("d.tsv");
    Files.writeString(dataset, "index\tA\tB\tanswer\n0\tcat\tdog\tA\n");
    Path predictions = dir.resolve("p.tsv");
    Files.writeString(predictions, "index\tA\tB\tprediction\n0\tcat\tdog\tA\n5\tcat\tdog\tB\n");
    assertThatThrownBy(
            () ->
                MultipleChoiceScoring.score(predictions, dataset, false, ScoreOptions.NO_INTERVALS))
        .isInstanceOf(ScoreInputException.class)
        .hasMessageStartingWith(predictions + ": index 5: not in the dataset");
    Files.writeString(predictions, "index\tA\tB\tprediction\n0\tcat\tdog\tA\n");
    ScoreTable ok =
        MultipleChoiceScoring.score(predictions, dataset, false, ScoreOptions.NO_INTERVALS);
    assertThat(ok.names()).isEqualTo(List.of("Overall"));
    assertThat(ok.value("Overall")).isEqualTo(1.0);
  }
}
