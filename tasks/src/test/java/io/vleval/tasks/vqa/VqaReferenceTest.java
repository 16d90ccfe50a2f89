package io.vleval.tasks.vqa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every VQA scorer variant against the reference scorers' own outputs on awkward answers ({@code
 * vqa/vqa_reference.json}, made by {@code src/test/fixture-gen/vqa/vqa_reference.py} from the VQA
 * API of 2017 and 2021 under Python 2.7, LLaVA's and InternVL's {@code m4c} evaluator, VizWiz's
 * scorer and GQA's {@code eval.py}): per-question accuracy for every case and variant, the
 * normalisation of every contraction key, number word and article, the API's rounded overall and
 * per-answer-type accuracy, and GQA's printed accuracy, binary/open and per-type figures.
 */
class VqaReferenceTest {

  static JsonNode reference() throws IOException {
    try (InputStream in = VqaReferenceTest.class.getResourceAsStream("/vqa/vqa_reference.json")) {
      assertThat(in).as("vqa/vqa_reference.json on the test class path").isNotNull();
      return new ObjectMapper().readTree(in);
    }
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @TestFactory
  List<DynamicTest> everyCaseEveryVariant() throws IOException {
    JsonNode ref = reference();
    List<DynamicTest> tests = new ArrayList<>();
    assertThat(strings(ref.get("variants")))
        .containsExactlyInAnyOrder(
            Arrays.stream(VqaScorer.values()).map(VqaScorer::id).toArray(String[]::new));
    for (JsonNode c : ref.get("cases")) {
      String prediction = c.get("prediction").asText();
      List<String> answers = strings(c.get("answers"));
      c.get("scores")
          .fields()
          .forEachRemaining(
              e -> {
                VqaScorer scorer = VqaScorer.byId(e.getKey());
                // VizWiz keeps round(100 * acc, 2) per question: compare at that precision
                double tolerance = e.getKey().contains("vizwiz") ? 5e-5 : 1e-12;
                tests.add(
                    dynamicTest(
                        e.getKey() + " " + c.get("id") + " '" + prediction + "'",
                        () ->
                            assertThat(scorer.score(prediction, answers))
                                .isCloseTo(e.getValue().asDouble(), Offset.offset(tolerance))));
              });
      tests.add(
          dynamicTest(
              "evalai processor " + c.get("id"),
              () ->
                  assertThat(AnswerNormalizer.EVALAI.normalize(prediction))
                      .isEqualTo(c.get("evalai").asText())));
    }
    return tests;
  }

  @TestFactory
  List<DynamicTest> normalisationOfEveryTableEntry() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode n : reference().get("normalized")) {
      String input = n.get("input").asText();
      tests.add(
          dynamicTest(
              "'" + input + "'",
              () -> {
                assertThat(AnswerNormalizer.VQA_API.normalize(input))
                    .as("vqa")
                    .isEqualTo(n.get("vqa").asText());
                assertThat(AnswerNormalizer.EVALAI.normalize(input))
                    .as("evalai")
                    .isEqualTo(n.get("evalai").asText());
                assertThat(AnswerNormalizer.VIZWIZ.normalize(input))
                    .as("vizwiz")
                    .isEqualTo(n.get("vizwiz").asText());
              }));
    }
    return tests;
  }

  @Test
  void overallAndPerAnswerTypeAsTheApiReportsThem() throws IOException {
    JsonNode ref = reference();
    for (VqaScorer scorer : VqaScorer.values()) {
      List<VqaAccuracy.Scored> scored = new ArrayList<>();
      for (JsonNode c : ref.get("cases")) {
        scored.add(
            new VqaAccuracy.Scored(
                scorer.score(c.get("prediction").asText(), strings(c.get("answers"))),
                List.of(c.get("answer_type").asText())));
      }
      ScoreTable table = VqaAccuracy.table("vqa", "accuracy", scored, ScoreOptions.NO_INTERVALS);
      JsonNode acc = ref.get("accuracy").get(scorer.id());
      if (acc.has("overall")) {
        assertThat(Math.round(table.value("accuracy") * 10000) / 100.0)
            .as(scorer.id())
            .isEqualTo(acc.get("overall").asDouble());
      }
      if (acc.has("overallUnrounded")) {
        assertThat(table.value("accuracy"))
            .as(scorer.id())
            .isCloseTo(acc.get("overallUnrounded").asDouble(), Offset.offset(5e-7));
      }
      if (acc.has("perAnswerTypeUnrounded")) {
        acc.get("perAnswerTypeUnrounded")
            .fields()
            .forEachRemaining(
                e ->
                    assertThat(table.value(e.getKey()))
                        .as(scorer.id() + " " + e.getKey())
                        .isCloseTo(e.getValue().asDouble(), Offset.offset(1e-12)));
      }
    }
  }

  @Test
  void gqaAsItsEvalPrintsIt() throws IOException {
    JsonNode gqa = reference().get("gqa");
    List<VqaAccuracy.Scored> scored = new ArrayList<>();
    for (JsonNode c : gqa.get("cases")) {
      assertThat(GqaMatch.LLAVA.convert(c.get("prediction").asText()))
          .isEqualTo(c.get("converted").asText());
      scored.add(
          new VqaAccuracy.Scored(
              GqaMatch.LLAVA.score(c.get("prediction").asText(), c.get("answer").asText()),
              GqaMatch.groups(c.get("structural").asText(), c.get("semantic").asText())));
    }
    ScoreTable table = VqaAccuracy.table("gqa", "accuracy", scored, ScoreOptions.NO_INTERVALS);
    String printed = gqa.get("printed").asText();
    Map<String, Double> expected = new TreeMap<>();
    expected.put("accuracy", printedValue(printed, "^Accuracy: ([0-9.]+)%"));
    expected.put("binary", printedValue(printed, "^Binary: ([0-9.]+)%"));
    expected.put("open", printedValue(printed, "^Open: ([0-9.]+)%"));
    String structural = section(printed, "Accuracy / structural type:");
    String semantic = section(printed, "Accuracy / semantic type:");
    for (String name : table.names()) {
      if (name.startsWith("structural/")) {
        expected.put(name, printedValue(structural, "^  " + name.substring(11) + ": ([0-9.]+)%"));
      } else if (name.startsWith("semantic/")) {
        expected.put(name, printedValue(semantic, "^  " + name.substring(9) + ": ([0-9.]+)%"));
      }
    }
    assertThat(expected).hasSize(table.names().size());
    for (Map.Entry<String, Double> e : expected.entrySet()) {
      assertThat(Math.round(table.value(e.getKey()) * 10000) / 100.0)
          .as(e.getKey())
          .isEqualTo(e.getValue());
    }
  }

  static String section(String printed, String title) {
    int start = printed.indexOf(title);
    assertThat(start).as(title).isNotNegative();
    int end = printed.indexOf("\n\n", start);
    return printed.substring(start, end < 0 ? printed.length() : end);
  }

  static double printedValue(String printed, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(printed);
    assertThat(m.find()).as(regex).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
