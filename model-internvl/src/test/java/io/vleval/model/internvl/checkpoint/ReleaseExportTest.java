package io.vleval.model.internvl.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.vleval.model.internvl.chat.ChatConfig;
import io.vleval.model.internvl.chat.InternVlChat;
import io.vleval.model.internvl.safetensors.SafetensorsFile;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A chat model of every release layout, as training exports it: its config.json reads back to the
 * same architecture (family, tied head, Phi-3's su scaling) and its language-model weights carry
 * the checkpoint's own key names (Qwen2's biases, Phi-3's fused projections, no head when tied).
 */
class ReleaseExportTest {

  private static Path release(String name) throws URISyntaxException {
    return Path.of(
            ReleaseExportTest.class
                .getResource("/fixtures/internvl_releases/" + name + "/config.json")
                .toURI())
        .getParent();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"qwen2-tied", "qwen25-untied-f16", "internlm25-ntk", "llama3-gqa", "phi3-su"})
  void exportsReadBackAsTheCheckpoint(String name) throws Exception {
    Path dir = release(name);
    ChatConfig config = ChatConfig.fromJson(dir.resolve("config.json"));
    ChatConfig back = ChatConfig.fromJson(ConfigJson.chat(config), name + " export");
    assertThat(back.llm()).isEqualTo(config.llm());
    try (InternVlChat chat = InternVlChat.load(dir, Device.cpu());
        NDManager m = chat.manager().newSubManager();
        SafetensorsFile file = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
      TreeSet<String> stored = new TreeSet<>();
      file.keys().stream().filter(k -> k.startsWith("language_model.")).forEach(stored::add);
      assertThat(new TreeSet<>(chat.llm().checkpointWeights("language_model.", m).keySet()))
          .isEqualTo(stored);
    }
  }
}
