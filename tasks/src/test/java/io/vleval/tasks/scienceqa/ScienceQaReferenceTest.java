package io.vleval.tasks.scienceqa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.tasks.metrics.ClosedFixtures;
import io.vleval.tasks.metrics.ScoreTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * ScienceQA's answer reading (InternVL's {@code post_process}, LLaVA's {@code eval_science_qa.py})
 * and ScienceQA's {@code get_scores} breakdown against {@code scienceqa/scienceqa_reference.json},
 * made by {@code src/test/fixture-gen/scienceqa_reference.py}. The reference prints percentages
 * with two decimals; the fraction here must print the same.
 */
class ScienceQaReferenceTest {

  private static final Map<String, String> KEYS =
      Map.of(
          "acc_average", "accuracy",
          "acc_natural", "NAT",
          "acc_social", "SOC",
          "acc_language", "LAN",
          "acc_has_text", "TXT",
          "acc_has_image", "IMG",
          "acc_no_context", "NO",
          "acc_grade_1_6", "G1-6",
          "acc_grade_7_12", "G7-12");

  @TestFactory
  Stream<DynamicTest> everyCase() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : ClosedFixtures.read("/scienceqa/scienceqa_reference.json").get("cases")) {
      for (String variant : List.of("internvl", "llava")) {
        tests.add(dynamicTest(c.get("name").asText() + "/" + variant, () -> check(c, variant)));
      }
    }
    return tests.stream();
  }

  private static void check(JsonNode c, String variant) {
    List<ScienceQaScores.Item> items = new ArrayList<>();
    for (JsonNode it : c.get("items")) {
      List<String> options = new ArrayList<>();
      it.get("choices").forEach(o -> options.add(o.asText()));
      int answer = it.get("answer").asInt();
      String reply = it.get("reply").isNull() ? null : it.get("reply").asText();
      boolean correct;
      if (variant.equals("internvl")) {
        String letter = ScienceQaAnswers.internVl(reply == null ? "" : reply, options);
        assertThat(letter)
            .as("InternVL reading of %s", reply)
            .isEqualTo(it.get("internvl_letter").asText());
        correct = letter.equals(ScienceQaAnswers.letter(answer));
      } else {
        String letter = reply == null ? "FAILED" : ScienceQaAnswers.llava(reply);
        assertThat(letter)
            .as("LLaVA reading of %s", reply)
            .isEqualTo(it.get("llava_answer").asText());
        correct = ScienceQaAnswers.llavaCorrect(letter, options.size(), answer);
        assertThat(correct).isEqualTo(it.get("llava_index").asInt() == answer);
      }
      items.add(
          new ScienceQaScores.Item(
              correct,
              it.get("subject").asText(),
              !it.get("hint").asText().isEmpty(),
              !it.get("image").isNull(),
              it.get("grade").asText()));
    }
    ScoreTable t = ScienceQaScores.score(items, Optional.empty());
    JsonNode ref = c.get(variant);
    KEYS.forEach(
        (key, name) -> {
          String expected = ref.get(key).asText();
          if (expected.equals("-1")) {
            assertThat(t.find(name)).as(name).isEmpty();
          } else {
            assertThat(t.value(name) * 100)
                .as(name)
                .isCloseTo(Double.parseDouble(expected), within(0.005 + 1e-9));
          }
        });
  }
}
