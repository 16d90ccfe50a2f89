package io.vleval.model.internvl.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.model.CaptionGenerator;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import io.vleval.api.model.Model;
import io.vleval.api.model.MultipleChoiceChat;
import io.vleval.api.plugin.PluginContext;
import io.vleval.testkit.SpecYaml;
import io.vleval.testkit.fake.FakeImages;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code tiny-chat-qwen2} preset (InternVL2.5-1B's layout: Qwen2, tied head, {@code
 * internvl2_5}) through the plugin: the chat capabilities, {@code ImageChat} included, with and
 * without an image, a batch replying as its requests do one at a time.
 */
class Qwen2ChatPresetTest {

  @TempDir Path temp;

  @Test
  void imageChatRepliesInABatchAsOneAtATime() {
    InternVlSpec spec =
        new SpecYaml(temp).bind(InternVlSpec.class, "preset: tiny-chat-qwen2\nbatch_size: 3\n");
    assertThat(new InternVlProvider().capabilities(spec))
        .contains(ImageChat.class, MultipleChoiceChat.class, CaptionGenerator.class);
    List<ChatRequest> requests =
        List.of(
            new ChatRequest(FakeImages.solid(3, 70), "What colour is it?", List.of()),
            new ChatRequest(null, "Say something.", List.of()),
            new ChatRequest(FakeImages.solid(9, 40), "<image>\nDescribe the picture.", List.of()));
    GenerationSettings settings = GenerationSettings.greedy(6);
    try (Model model = new InternVlProvider().load(spec, new PluginContext(0, temp, 1))) {
      ImageChat chat = model.require(ImageChat.class);
      List<String> together = chat.respond(requests, settings);
      assertThat(together).hasSize(3).doesNotContainNull();
      for (int i = 0; i < requests.size(); i++) {
        assertThat(chat.respond(List.of(requests.get(i)), settings))
            .as("request %d alone", i)
            .containsExactly(together.get(i));
      }
    }
  }
}
