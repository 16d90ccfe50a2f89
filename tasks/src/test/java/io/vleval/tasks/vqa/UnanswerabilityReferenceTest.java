package io.vleval.tasks.vqa;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.result.MetricValue;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * VizWiz's unanswerability AP and F1 against its own {@code evaluate_unanswerability} with
 * scikit-learn ({@code vqa/vizwiz_unanswerable_reference.json}, made by {@code
 * src/test/fixture-gen/vqa/vizwiz_unanswerable_reference.py}), at the reference's rounding (two
 * decimals of percent), on every set of questions.
 */
class UnanswerabilityReferenceTest {

  @Test
  void everySetAsTheReferenceComputesIt() throws IOException {
    JsonNode ref;
    try (InputStream in =
        getClass().getResourceAsStream("/vqa/vizwiz_unanswerable_reference.json")) {
      assertThat(in).isNotNull();
      ref = new ObjectMapper().readTree(in);
    }
    assertThat(ref.get("sets").size()).isPositive();
    for (JsonNode set : ref.get("sets")) {
      int n = set.get("predictions").size();
      boolean[] unanswerable = new boolean[n];
      boolean[] predicted = new boolean[n];
      for (int i = 0; i < n; i++) {
        unanswerable[i] = set.get("answerable").get(i).asInt() == 0;
        predicted[i] = Unanswerability.predictsUnanswerable(set.get("predictions").get(i).asText());
      }
      List<MetricValue> m = Unanswerability.metrics(unanswerable, predicted, Optional.empty());
      String name = set.get("name").asText();
      assertThat(Math.round(m.get(0).value() * 10000) / 100.0)
          .as(name + " AP")
          .isEqualTo(set.get("average_precision").asDouble());
      assertThat(Math.round(m.get(1).value() * 10000) / 100.0)
          .as(name + " F1")
          .isEqualTo(set.get("f1_score").asDouble());
    }
  }
}
