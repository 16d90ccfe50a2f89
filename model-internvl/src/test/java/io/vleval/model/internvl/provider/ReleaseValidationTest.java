package io.vleval.model.internvl.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.api.model.ImageChat;
import io.vleval.api.model.MultipleChoiceChat;
import io.vleval.model.internvl.config.ModelConfigException;
import io.vleval.testkit.SpecYaml;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin refuses an unsupported InternVL-Chat release when a run is planned (the capability
 * look-up reads config.json, never the weights), naming the file, the field and the supported
 * values; a supported one plans with the chat capabilities.
 */
class ReleaseValidationTest {

  @TempDir Path temp;

  private static Path release(String name) throws URISyntaxException {
    return Path.of(
            ReleaseValidationTest.class
                .getResource("/fixtures/internvl_releases/" + name + "/config.json")
                .toURI())
        .getParent();
  }

  private InternVlSpec spec(Path dir) {
    return new SpecYaml(temp).bind(InternVlSpec.class, "checkpoint: " + dir + "\n");
  }

  @Test
  void anUnsupportedLanguageModelIsRefusedBeforeAnyWeightIsRead() throws Exception {
    ObjectNode config =
        (ObjectNode)
            new ObjectMapper().readTree(release("qwen2-tied").resolve("config.json").toFile());
    ((ObjectNode) config.get("llm_config")).putArray("architectures").add("Qwen3ForCausalLM");
    Path dir = Files.createDirectories(temp.resolve("InternVL3_5-1B"));
    Files.writeString(dir.resolve("config.json"), config.toString());
    InternVlSpec spec = spec(dir);
    assertThatThrownBy(() -> new InternVlProvider().capabilities(spec))
        .isInstanceOf(ModelConfigException.class)
        .hasMessageStartingWith(dir.resolve("config.json") + " (llm_config): ")
        .hasMessageContaining("field 'architectures' = 'Qwen3ForCausalLM'; expected one of");
  }

  @Test
  void everyReleaseLayoutPlansWithTheChatCapabilities() throws IOException, URISyntaxException {
    for (String name :
        new String[] {
          "qwen2-tied", "qwen25-untied-f16", "internlm25-ntk", "llama3-gqa", "phi3-su"
        }) {
      assertThat(new InternVlProvider().capabilities(spec(release(name))))
          .as(name)
          .contains(ImageChat.class, MultipleChoiceChat.class);
    }
  }
}
