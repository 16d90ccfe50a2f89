package io.vleval.tasks.pope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.tasks.metrics.ClosedFixtures;
import io.vleval.tasks.metrics.ScoreTable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * POPE's reading of replies and its scores against {@code pope/pope_reference.json}, made by {@code
 * src/test/fixture-gen/pope_reference.py} with POPE's {@code evaluate.py} and InternVL's {@code
 * eval_pope.py}.
 */
class PopeReferenceTest {

  @TestFactory
  Stream<DynamicTest> everyCase() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : ClosedFixtures.read("/pope/pope_reference.json").get("cases")) {
      tests.add(dynamicTest(c.get("name").asText(), () -> check(c)));
    }
    return tests.stream();
  }

  private static void check(JsonNode c) {
    List<PopeScores.Item> items = new ArrayList<>();
    for (JsonNode it : c.get("items")) {
      String reply = it.get("reply").asText();
      boolean yes = PopeAnswers.saysYes(reply);
      assertThat(yes ? "yes" : "no")
          .as("reading of %s", reply)
          .isEqualTo(it.get("reading").asText());
      items.add(
          new PopeScores.Item(
              it.get("split").asText(), PopeAnswers.labelIsYes(it.get("label").asText()), yes));
    }
    ScoreTable table = PopeScores.score(items, Optional.empty());
    assertThat(table.value("F1")).isCloseTo(c.get("F1").asDouble(), within(1e-12));
    Map<String, long[]> confusion = PopeScores.confusion(items);
    for (Iterator<Map.Entry<String, JsonNode>> it = c.get("splits").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String split = e.getKey();
      JsonNode ref = e.getValue();
      assertThat(confusion.get(split))
          .containsExactly(
              ref.get("TP").asLong(),
              ref.get("FP").asLong(),
              ref.get("TN").asLong(),
              ref.get("FN").asLong());
      for (String m : List.of("accuracy", "precision", "recall", "F1", "yes_ratio")) {
        assertThat(table.value(split + "/" + m))
            .as(split + "/" + m)
            .isCloseTo(ref.get(m).asDouble(), within(1e-12));
      }
    }
  }
}
