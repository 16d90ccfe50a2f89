package io.vleval.tasks.captioning;

import static io.vleval.tasks.metrics.Fixtures.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.tasks.metrics.Fixtures;
import io.vleval.testkit.FixtureTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Every captioning case of the fixture root (every file with {@code family: captioning}): scorers,
 * tokenizer and the full COCOEvalCap pipeline.
 */
@FixtureTest
class CaptioningFixtureTest {

  private static final double ABS = 1e-9;
  private static final double REL = 1e-9;

  @TestFactory
  Stream<DynamicNode> scorersOnReferenceTokens() {
    return Fixtures.cases("captioning").stream()
        .map(
            f ->
                dynamicTest(
                    f.toString(),
                    () -> {
                      JsonNode c = f.json();
                      JsonNode scored =
                          c.get("tokenize").asBoolean() ? c.get("tokenized") : c.get("input");
                      CaptionScores scores = CaptionMetrics.evaluate(samples(scored), false);
                      assertMatches(c, scores, true);
                    }));
  }

  @TestFactory
  Stream<DynamicNode> ptbTokenizerMatchesReference() {
    return Fixtures.cases("captioning").stream()
        .filter(f -> f.json().get("tokenize").asBoolean())
        .map(
            f ->
                dynamicTest(
                    f.toString(),
                    () -> {
                      JsonNode c = f.json();
                      JsonNode input = c.get("input");
                      JsonNode tokenized = c.get("tokenized");
                      for (int i = 0; i < input.size(); i++) {
                        assertThat(PtbTokenizer.tokenize(input.get(i).get("prediction").asText()))
                            .as("prediction of image %s", input.get(i).get("image_id"))
                            .isEqualTo(tokenized.get(i).get("prediction").asText());
                        for (int r = 0; r < input.get(i).get("references").size(); r++) {
                          assertThat(
                                  PtbTokenizer.tokenize(
                                      input.get(i).get("references").get(r).asText()))
                              .as("reference %d of image %s", r, input.get(i).get("image_id"))
                              .isEqualTo(tokenized.get(i).get("references").get(r).asText());
                        }
                      }
                    }));
  }

  @TestFactory
  Stream<DynamicNode> fullPipelineFromRawText() {
    return Fixtures.cases("captioning").stream()
        .map(
            f ->
                dynamicTest(
                    f.toString(),
                    () -> {
                      JsonNode c = f.json();
                      CaptionScores scores =
                          CaptionMetrics.evaluate(
                              samples(c.get("input")), c.get("tokenize").asBoolean());
                      assertMatches(c, scores, false);
                    }));
  }

  private static void assertMatches(JsonNode c, CaptionScores scores, boolean perImageToo) {
    JsonNode expected = c.get("expected");
    for (Map.Entry<String, Double> e : scores.corpus().entrySet()) {
      assertClose(
          "corpus " + e.getKey(),
          e.getValue(),
          Fixtures.number(expected.get("corpus").get(e.getKey())),
          ABS,
          REL);
    }
    JsonNode counts = expected.get("bleu_corpus_counts");
    BleuStatistics total = scores.bleu().corpusStatistics();
    assertThat(total.testLength()).as("testlen").isEqualTo(counts.get("testlen").longValue());
    assertThat(total.refLength()).as("reflen").isEqualTo(counts.get("reflen").longValue());
    assertThat(total.guess()).as("guess").containsExactly(Fixtures.longArray(counts.get("guess")));
    assertThat(total.correct())
        .as("correct")
        .containsExactly(Fixtures.longArray(counts.get("correct")));
    if (perImageToo) {
      JsonNode perImage = expected.get("per_image");
      assertThat(perImage.size()).isEqualTo(scores.imageIds().size());
      for (int i = 0; i < perImage.size(); i++) {
        for (Map.Entry<String, Double> e : scores.perImage(i).entrySet()) {
          assertClose(
              "image " + i + " " + e.getKey(),
              e.getValue(),
              Fixtures.number(perImage.get(i).get(e.getKey())),
              ABS,
              REL);
        }
      }
    }
  }

  static List<CaptionSample> samples(JsonNode list) {
    List<CaptionSample> out = new ArrayList<>();
    for (JsonNode s : list) {
      List<String> refs = new ArrayList<>();
      s.get("references").forEach(r -> refs.add(r.asText()));
      out.add(new CaptionSample(s.get("image_id").asText(), refs, s.get("prediction").asText()));
    }
    return out;
  }
}
