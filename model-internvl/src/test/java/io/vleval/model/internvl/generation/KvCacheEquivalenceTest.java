package io.vleval.model.internvl.generation;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.vleval.api.model.GenerationSettings;
import io.vleval.model.internvl.InternVlCases;
import io.vleval.model.internvl.chat.InternVlChat;
import io.vleval.model.internvl.clip.InternVlCg;
import io.vleval.model.internvl.llm.PromptDecoding;
import io.vleval.model.internvl.provider.InternVlProvider;
import io.vleval.model.internvl.safetensors.SafetensorsFile;
import io.vleval.testkit.FixtureTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generation with the key/value cache gives token for token what re-running the whole sequence at
 * every step gives, on the tiny models of the fixture root: InternVL-G captioning (queries,
 * cross-attention in the prefill) on every InternVL-C/-G case with captioning inputs, and
 * InternVL-Chat (grouped-query attention, image tokens) on every InternVL-Chat case.
 */
@FixtureTest
class KvCacheEquivalenceTest {

  static List<GenerationSettings> settings() {
    return List.of(
        InternVlProvider.G_CAPTION_SETTINGS,
        GenerationSettings.greedy(24),
        new GenerationSettings(1, 6, 16, 1.0),
        new GenerationSettings(3, 2, 12, 0.6),
        new GenerationSettings(4, 0, 10, 2.0));
  }

  static Stream<Arguments> captioningCases() {
    return combine(
        InternVlCases.of(
            InternVlCases.Kind.CONTRASTIVE,
            InternVlCases.Case::hasCaptioning,
            InternVlCases.Kind.CONTRASTIVE.id() + " with captioning inputs"));
  }

  static Stream<Arguments> chatCases() {
    return combine(InternVlCases.of(InternVlCases.Kind.CHAT));
  }

  private static Stream<Arguments> combine(List<InternVlCases.Case> cases) {
    return cases.stream().flatMap(c -> settings().stream().map(s -> Arguments.of(c, s)));
  }

  @ParameterizedTest(name = "InternVL-G caption {0} {1}")
  @MethodSource("captioningCases")
  void internVlGCaptioning(InternVlCases.Case c, GenerationSettings settings) {
    Path dir = c.dir();
    try (InternVlCg model = InternVlCg.load(dir, Device.cpu());
        SafetensorsFile in = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
        NDManager batch = model.manager().newSubManager()) {
      NDArray pixels = in.toNDArray("pixel_values", batch).get("0:1");
      // the first prompt of the case, without its padding
      long[] ids = in.longs("caption_prefix_ids");
      long[] mask = in.longs("caption_attention_mask");
      int width = (int) in.info("caption_prefix_ids").shape()[1];
      long[] prompt =
          IntStream.range(0, width).filter(i -> mask[i] == 1).mapToLong(i -> ids[i]).toArray();
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

  @ParameterizedTest(name = "InternVL-Chat {0} {1}")
  @MethodSource("chatCases")
  void internVlChat(InternVlCases.Case c, GenerationSettings settings) {
    Path dir = c.dir();
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
