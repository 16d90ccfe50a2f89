package io.vleval.tasks.metrics.scoring;

import static io.vleval.tasks.metrics.Fixtures.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.api.result.MetricValue;
import io.vleval.tasks.captioning.CaptionScoring;
import io.vleval.tasks.metrics.Fixtures;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.mmbench.MultipleChoiceScoring;
import io.vleval.tasks.retrieval.RetrievalScoring;
import io.vleval.tasks.segmentation.SegmentationScoring;
import io.vleval.tasks.zeroshot.ClassificationScoring;
import io.vleval.testkit.FixtureTest;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file-based entry points of {@code vleval score}, fed with every fitting case of the fixture
 * root written in the documented formats.
 */
@FixtureTest
class ScoringEntryPointsTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

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

  /** Every captioning case, written as a COCO results file and a COCO annotations file. */
  @TestFactory
  Stream<DynamicTest> captioningFromCocoFiles() {
    return DynamicTest.stream(
        Fixtures.cases("captioning").stream(), Fixtures.Case::toString, this::captioning);
  }

  private void captioning(Fixtures.Case f) throws IOException {
    JsonNode c = f.json();
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
            write("res.json", results),
            write("ann.json", refs),
            c.get("tokenize").asBoolean(),
            ScoreOptions.DEFAULT);
    assertThat(table.names())
        .containsExactly("Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr");
    assertThat(table.units()).isEqualTo(c.get("input").size());
    for (String name : table.names()) {
      assertClose(
          name,
          table.value(name),
          Fixtures.number(c.get("expected").get("corpus").get(name)),
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

  /**
   * Every classification case whose top-k does not depend on the order of tied logits (the
   * tie-sensitive ones are checked against their tie analysis in {@code
   * ClassificationFixtureTest}).
   */
  @TestFactory
  Stream<DynamicTest> classificationFromJson() {
    return DynamicTest.stream(
        Fixtures.cases("zeroshot_classification").stream()
            .filter(f -> !f.json().path("tie_sensitive").asBoolean()),
        Fixtures.Case::toString,
        this::classification);
  }

  private void classification(Fixtures.Case f) throws IOException {
    JsonNode c = f.json();
    ObjectNode predictions = MAPPER.createObjectNode();
    predictions.set("logits", MAPPER.valueToTree(logits(c)));
    ObjectNode references = MAPPER.createObjectNode();
    references.set("target", c.get("target"));
    references.put("n_classes", c.get("n_classes").intValue());
    ScoreTable table =
        ClassificationScoring.score(
            write("p.json", predictions), write("r.json", references), ScoreOptions.DEFAULT);
    assertThat(table.units()).isEqualTo(c.get("target").size());
    for (String name : ClassificationScoring.METRICS) {
      assertClose(name, table.value(name), Fixtures.number(c.get("expected").get(name)), 1e-9, 0);
    }
    assertIntervalsContainValues(table);
  }

  /** The case's logits, or its integer logits times their scale, as float32. */
  private static float[][] logits(JsonNode c) {
    if (c.has("logits")) {
      return Fixtures.floatMatrix(c.get("logits"));
    }
    float scale = (float) c.get("logits_scale").doubleValue();
    float[][] out = Fixtures.floatMatrix(c.get("logits_int"));
    for (float[] row : out) {
      for (int j = 0; j < row.length; j++) {
        row[j] *= scale;
      }
    }
    return out;
  }

  @Test
  void classificationErrorNamesTargetIndex() throws IOException {
    Path p = write("p.json", MAPPER.readTree("{\"logits\": [[0.1, 0.9], [0.3, 0.2]]}"));
    Path r = write("r.json", MAPPER.readTree("{\"target\": [0, 7], \"n_classes\": 2}"));
    assertThatThrownBy(() -> ClassificationScoring.score(p, r, ScoreOptions.NO_INTERVALS))
        .isInstanceOf(ScoreInputException.class)
        .hasMessage(r + ": key \"target\"[1]: class 7 is outside [0, 2) of the logits");
  }

  /**
   * Every retrieval case with a score matrix, a result (not an expected refusal) and recalls that
   * do not depend on the order of tied scores, as one file holding scores and index.
   */
  @TestFactory
  Stream<DynamicTest> retrievalFromOneFileWithScoresAndIndex() {
    return DynamicTest.stream(
        Fixtures.cases("retrieval").stream()
            .filter(f -> f.json().has("scores"))
            .filter(f -> !f.json().get("expected").isNull())
            .filter(f -> !f.json().path("tie_sensitive").asBoolean()),
        Fixtures.Case::toString,
        this::retrieval);
  }

  private void retrieval(Fixtures.Case f) throws IOException {
    JsonNode c = f.json();
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
                    e.getKey(), table.value(e.getKey()), Fixtures.number(e.getValue()), 1e-6, 0));
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

  /** Every segmentation case given as PNG files, copied into a prediction and a label folder. */
  @TestFactory
  Stream<DynamicTest> segmentationFromPngFolders() {
    return DynamicTest.stream(
        Fixtures.cases("segmentation").stream().filter(f -> f.json().has("label_files")),
        Fixtures.Case::toString,
        this::segmentation);
  }

  private void segmentation(Fixtures.Case f) throws IOException {
    JsonNode c = f.json();
    Path cases = Files.createTempDirectory(dir, "segmentation");
    Path predictions = Files.createDirectory(cases.resolve("pred"));
    Path labels = Files.createDirectory(cases.resolve("label"));
    for (int i = 0; i < c.get("label_files").size(); i++) {
      String name = "img_" + i + ".png";
      Files.copy(f.resolve(c.get("prediction_files").get(i).asText()), predictions.resolve(name));
      Files.copy(f.resolve(c.get("label_files").get(i).asText()), labels.resolve(name));
    }
    int numClasses = c.get("num_classes").intValue();
    ScoreTable table =
        SegmentationScoring.score(
            predictions,
            labels,
            numClasses,
            c.get("ignore_index").intValue(),
            c.get("reduce_zero_label").asBoolean(),
            ScoreOptions.DEFAULT);
    assertClose(
        "aAcc",
        table.value("aAcc"),
        Fixtures.number(c.get("expected").get("aAcc_float64")),
        1e-12,
        0);
    c.get("expected")
        .get("mean_float64")
        .fields()
        .forEachRemaining(
            e ->
                assertClose(
                    e.getKey(), table.value(e.getKey()), Fixtures.number(e.getValue()), 1e-12, 0));
    assertThat(table.names()).contains("IoU.0", "Acc." + (numClasses - 1));
    assertIntervalsContainValues(table);
  }

  @Test
  void segmentationErrorNamesMissingPrediction() throws IOException {
    Path predictions = Files.createDirectory(dir.resolve("pred"));
    Path labels = Files.createDirectory(dir.resolve("label"));
    BufferedImage label = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
    assertThat(ImageIO.write(label, "png", labels.resolve("a.png").toFile())).isTrue();
    assertThatThrownBy(
            () ->
                SegmentationScoring.score(
                    predictions, labels, 150, 255, true, ScoreOptions.NO_INTERVALS))
        .isInstanceOf(ScoreInputException.class)
        .hasMessageStartingWith(predictions + ": file a.png: missing prediction");
  }

  /** Every MMBench case: its prediction TSV scored against its dataset TSV, circularly. */
  @TestFactory
  Stream<DynamicTest> mmbenchCircularWithIntervals() {
    return DynamicTest.stream(
        Fixtures.mmbench().stream(),
        Fixtures.Mmbench::toString,
        m -> {
          ScoreTable table =
              MultipleChoiceScoring.score(m.predictions(), m.dataset(), true, ScoreOptions.DEFAULT);
          JsonNode expected = m.json().get("expected");
          assertThat(table.units()).isEqualTo(expected.get("circular_groups").size());
          assertClose(
              "Overall",
              table.value("Overall"),
              Fixtures.number(expected.get("circular_report_acc").get("Overall").get(0)),
              1e-12,
              0);
          assertIntervalsContainValues(table);
        });
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
