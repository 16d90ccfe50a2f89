package io.vleval.tasks.mme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.tasks.metrics.ClosedFixtures;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.mme.MmeAnswers.Reading;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * MME's reading of replies (raw, and after InternVL's post-processing) and its scores against
 * {@code mme/mme_reference.json}, made by {@code src/test/fixture-gen/mme_reference.py} with MME's
 * {@code calculation.py}.
 */
class MmeReferenceTest {

  @TestFactory
  Stream<DynamicTest> everyCase() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : ClosedFixtures.read("/mme/mme_reference.json").get("cases")) {
      tests.add(dynamicTest(c.get("name").asText(), () -> check(c)));
    }
    return tests.stream();
  }

  private static void check(JsonNode c) {
    boolean internVl = c.get("variant").asText().equals("internvl");
    List<MmeScores.Item> items = new ArrayList<>();
    for (JsonNode it : c.get("items")) {
      String reply = it.get("reply").asText();
      Reading r = MmeAnswers.parse(internVl ? MmeAnswers.internVlPostProcess(reply) : reply);
      assertThat(r.name().toLowerCase(Locale.ROOT))
          .as("reading of %s", reply)
          .isEqualTo(it.get("reading").asText());
      items.add(
          new MmeScores.Item(
              it.get("subtask").asText(),
              it.get("image").asText(),
              MmeAnswers.label(it.get("answer").asText()),
              r));
    }
    ScoreTable t = MmeScores.score(items, Optional.empty());
    assertThat(t.value("perception")).isCloseTo(c.get("perception").asDouble(), within(1e-9));
    assertThat(t.value("cognition")).isCloseTo(c.get("cognition").asDouble(), within(1e-9));
    for (Iterator<Map.Entry<String, JsonNode>> it = c.get("subtasks").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String s = e.getKey();
      assertThat(t.value(s + "/acc"))
          .as(s)
          .isCloseTo(e.getValue().get("acc").asDouble(), within(1e-12));
      assertThat(t.value(s + "/acc_plus"))
          .as(s)
          .isCloseTo(e.getValue().get("acc_plus").asDouble(), within(1e-12));
      assertThat(t.value(s + "/score"))
          .as(s)
          .isCloseTo(e.getValue().get("score").asDouble(), within(1e-9));
      assertThat(t.value(s + "/other")).as(s).isEqualTo(e.getValue().get("other").asDouble());
    }
  }
}
