package io.vleval.model.internvl.generation;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.vleval.api.model.GenerationSettings;
import io.vleval.model.internvl.chat.InternVlChat;
import io.vleval.model.internvl.clip.InternVlCg;
import io.vleval.model.internvl.llm.PromptDecoding;
import io.vleval.model.internvl.provider.InternVlProvider;
import io.vleval.model.internvl.safetensors.SafetensorsFile;
import io.vleval.testkit.Fixtures;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generation with the key/value cache gives token for token what re-running the whole sequence at
 * every step gives, on the fixtures' tiny models: InternVL-G captioning (queries, cross-attention
 * in the prefill) and InternVL-Chat with InternLM2 (grouped-query attention, image tokens).
 */
class KvCacheEquivalenceTest {

  static List<GenerationSettings> settings() {
    return List.of(
        InternVlProvider.G_CAPTION_SETTINGS,
        GenerationSettings.greedy(24),
        new GenerationSettings(1, 6, 16, 1.0),
        new GenerationSettings(3, 2, 12, 0.6),
        new GenerationSettings(4, 0, 10, 2.0));
  }

  static Path fixture(String name) {
    return Fixtures.root().resolve("internvl").resolve(name);
  }

  @ParameterizedTest(name = "InternVL-G caption {0}")
  @MethodSource("settings")
  void internVlGCaptioning(GenerationSettings settings) {
    Path dir = fixture("internvl_cg");
    try (InternVlCg model = InternVlCg.load(dir, Device.cpu());
        SafetensorsFile in = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
        NDManager batch = model.manager().newSubManager()) {
      NDArray pixels = in.toNDArray("pixel_values", batch).get("0:1");
      long[] prompt = Arrays.copyOf(in.longs("caption_prefix_ids"), 5);
      NDArray vision = model.vision(pixels);
      Set<Long> stop = Set.of((long) model.config().qllama().eosTokenId());
      long[] cached;
      long[] plain;
      try (PromptDecoding s = model.captionState(vision, prompt, true, batch)) {
        cached = Generator.generate(s, settings, stop);
      }
      try (PromptDecoding s = model.captionState(vision, prompt, false, batch)) {
        plain = Generator.generate(s, settings, stop);
      }
      assertThat(cached).as("tokens with the cache").containsExactly(plain);
      assertThat(cached.length)
          .isBetween(
              Math.min(settings.minNewTokens(), settings.maxNewTokens()), settings.maxNewTokens());
    }
  }

  @ParameterizedTest(name = "InternVL-Chat {0}")
  @MethodSource("settings")
  void internVlChat(GenerationSettings settings) {
    Path dir = fixture("internvl_chat_internlm2");
    try (InternVlChat model = InternVlChat.load(dir, Device.cpu());
        SafetensorsFile in = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
        NDManager batch = model.manager().newSubManager()) {
      NDArray tokens = model.extractFeature(in.toNDArray("pixel_values", batch));
      NDArray embeds =
          model.inputEmbeddings(
              in.longs("input_ids"), tokens, in.longs("img_context_token_id")[0], batch);
      Set<Long> stop = Set.of((long) model.config().llm().eosTokenId());
      long[] cached;
      long[] plain;
      try (PromptDecoding s = model.decoding(embeds, true, batch)) {
        cached = Generator.generate(s, settings, stop);
      }
      try (PromptDecoding s = model.decoding(embeds, false, batch)) {
        plain = Generator.generate(s, settings, stop);
      }
      assertThat(cached).as("tokens with the cache").containsExactly(plain);
      assertThat(cached).isNotEmpty();
    }
  }
}
