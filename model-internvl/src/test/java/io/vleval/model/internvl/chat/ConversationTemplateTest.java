package io.vleval.model.internvl.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every conversation template the InternVL-Chat releases name renders one turn byte for byte as the
 * reference's {@code conversation.py} does ({@code fixtures/internvl_releases/templates.json},
 * written by {@code internvl_releases.py} with the reference's {@code get_prompt()}), with the
 * template's own system message and with another one set, and stops at the reference's separator.
 */
class ConversationTemplateTest {

  record Rendered(
      String template, String systemMessage, String question, String prompt, String stop) {
    @Override
    public String toString() {
      return template
          + (systemMessage == null ? "" : " + system message")
          + ": "
          + question.lines().findFirst().orElse("");
    }
  }

  static Stream<Rendered> rendered() throws IOException {
    JsonNode root =
        new ObjectMapper().readTree(ReleaseParityTest.root().resolve("templates.json").toFile());
    List<Rendered> out = new ArrayList<>();
    for (JsonNode p : root.get("prompts")) {
      out.add(
          new Rendered(
              p.get("template").asText(),
              p.get("system_message").isNull() ? null : p.get("system_message").asText(),
              p.get("question").asText(),
              p.get("prompt").asText(),
              p.get("stop").asText()));
    }
    assertThat(out).extracting(Rendered::template).contains("Hermes-2", "internvl2_5");
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rendered")
  void rendersAsTheReference(Rendered r) {
    ConversationTemplate t = ConversationTemplate.named(r.template());
    if (r.systemMessage() != null) {
      t = t.withSystemMessage(r.systemMessage());
    }
    assertThat(t.prompt(r.question())).isEqualTo(r.prompt());
    assertThat(t.stopString()).isEqualTo(r.stop());
  }
}
