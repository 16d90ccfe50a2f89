package io.vleval.tasks.mmvet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.tasks.metrics.ClosedFixtures;
import io.vleval.tasks.metrics.ScoreTable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * MM-Vet's grader prompts, retries, grade reading and per-capability scores against {@code
 * mmvet/mmvet_reference.json}, made by {@code src/test/fixture-gen/mmvet_reference.py} running
 * {@code mm-vet_evaluator.py} with canned grader replies. The evaluator prints scores rounded to
 * one decimal.
 */
class MmvetReferenceTest {

  @TestFactory
  Stream<DynamicTest> everyCase() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : ClosedFixtures.read("/mmvet/mmvet_reference.json").get("cases")) {
      tests.add(dynamicTest(c.get("name").asText(), () -> check(c)));
    }
    return tests.stream();
  }

  private static void check(JsonNode c) {
    assertThat(MmvetGrading.PROMPT).isEqualTo(c.get("grader_prompt").asText());
    List<MmvetScores.Item> items = new ArrayList<>();
    for (JsonNode s : c.get("samples")) {
      Deque<String> canned = new ArrayDeque<>();
      s.get("grader_replies").forEach(r -> canned.add(r.asText()));
      List<String> prompts = new ArrayList<>();
      MmvetGrading.Grade g =
          MmvetGrading.grade(
              s.get("question").asText(),
              s.get("answer").asText(),
              s.get("prediction").asText(),
              p -> {
                prompts.add(p);
                return canned.removeFirst();
              });
      List<String> expectedPrompts = new ArrayList<>();
      s.get("requests").forEach(r -> expectedPrompts.add(r.get("prompt").asText()));
      assertThat(prompts).as(s.get("id").asText()).isEqualTo(expectedPrompts);
      assertThat(g.score()).as(s.get("id").asText()).isEqualTo(s.get("score").asDouble());
      assertThat(g.content()).as(s.get("id").asText()).isEqualTo(s.get("content").asText());
      List<String> caps = new ArrayList<>();
      s.get("capability").forEach(x -> caps.add(x.asText()));
      items.add(new MmvetScores.Item(caps, g.score()));
    }
    ScoreTable t = MmvetScores.score(items, Optional.empty());
    for (Iterator<Map.Entry<String, JsonNode>> it = c.get("capabilities").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      assertThat(t.value(e.getKey()))
          .as(e.getKey())
          .isCloseTo(e.getValue().asDouble(), within(0.05 + 1e-9));
    }
    assertThat(t.names()).hasSize(c.get("capabilities").size());
  }
}
