package io.vleval.model.internvl.chat;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.vleval.api.model.GenerationSettings;
import io.vleval.model.internvl.generation.Generator;
import io.vleval.model.internvl.llm.PromptDecoding;
import io.vleval.model.internvl.safetensors.SafetensorsFile;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Batched generation against the reference's {@code batch_chat} ({@code
 * fixtures/internvl_chat_batch}, made by {@code src/test/fixture-gen/batch_chat.py}: two prompts of
 * 1 and 2 tiles, left-padded, greedy, each stopping at its own step) and against generation one
 * prompt at a time, greedy and beam search, with and without the key/value cache.
 */
class BatchedGenerationTest {

  static Path caseDir() {
    try {
      return Path.of(
              BatchedGenerationTest.class
                  .getResource("/fixtures/internvl_chat_batch/config.json")
                  .toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The fixture's prompts: ids without padding, and their image tokens. */
  private record Prompts(List<long[]> ids, List<NDArray> imageTokens, long context, long eos) {}

  private static Prompts prompts(InternVlChat model, SafetensorsFile in, NDManager batch) {
    long[] ids = in.longs("input_ids");
    long[] mask = in.longs("attention_mask");
    long[] patches = in.longs("num_patches");
    int width = (int) in.info("input_ids").shape()[1];
    // all tiles in one vision pass, as the reference's extract_feature does
    NDArray tokens = model.extractFeature(in.toNDArray("pixel_values", batch));
    List<long[]> rows = new ArrayList<>();
    List<NDArray> images = new ArrayList<>();
    long tile = 0;
    for (int r = 0; r < patches.length; r++) {
      int off = r * width;
      rows.add(
          IntStream.range(0, width)
              .filter(j -> mask[off + j] == 1)
              .mapToLong(j -> ids[off + j])
              .toArray());
      images.add(tokens.get(tile + ":" + (tile + patches[r])));
      tile += patches[r];
    }
    return new Prompts(
        rows, images, in.longs("img_context_token_id")[0], in.longs("eos_token_id")[0]);
  }

  private static List<NDArray> embeddings(
      InternVlChat model, Prompts p, List<Integer> order, NDManager batch) {
    List<NDArray> out = new ArrayList<>();
    for (int i : order) {
      out.add(model.inputEmbeddings(p.ids().get(i), p.imageTokens().get(i), p.context(), batch));
    }
    return out;
  }

  @Test
  void greedyTokensEqualTheReferenceBatchChat() {
    Path dir = caseDir();
    try (InternVlChat model = InternVlChat.load(dir, Device.cpu());
        SafetensorsFile in = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
        SafetensorsFile expected = SafetensorsFile.open(dir.resolve("expected.safetensors"));
        NDManager batch = model.manager().newSubManager()) {
      Prompts p = prompts(model, in, batch);
      long[] outIds = expected.longs("output_ids");
      long[] lengths = expected.longs("output_lengths");
      int steps = (int) expected.info("output_ids").shape()[1];
      GenerationSettings settings =
          GenerationSettings.greedy(Integer.parseInt(in.metadata().get("max_new_tokens")));
      long[][] want = new long[lengths.length][];
      for (int r = 0; r < lengths.length; r++) {
        want[r] = Arrays.copyOfRange(outIds, r * steps, r * steps + (int) lengths[r]);
      }
      // the case is only worth having if one prompt is padded and the prompts stop apart
      assertThat(p.ids().get(0).length).isNotEqualTo(p.ids().get(1).length);
      assertThat(lengths[0]).isNotEqualTo(lengths[1]);
      for (boolean cache : new boolean[] {true, false}) {
        List<NDArray> embeds = embeddings(model, p, List.of(0, 1), batch);
        try (PromptDecoding state = model.decoding(embeds, cache, batch)) {
          long[][] got = Generator.generate(state, 2, settings, Set.of(p.eos()));
          assertThat(got).as("batched, cache " + cache).isDeepEqualTo(want);
        }
      }
    }
  }

  static Stream<GenerationSettings> settings() {
    return Stream.of(
        GenerationSettings.greedy(12),
        new GenerationSettings(1, 4, 12, 1.0),
        new GenerationSettings(3, 0, 12, 1.0),
        new GenerationSettings(4, 2, 10, 0.6));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void batchedTokensEqualOnePromptAtATime(GenerationSettings settings) {
    Path dir = caseDir();
    try (InternVlChat model = InternVlChat.load(dir, Device.cpu());
        SafetensorsFile in = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
        NDManager batch = model.manager().newSubManager()) {
      Prompts fixture = prompts(model, in, batch);
      // a third prompt without an image, shorter than both
      long[] text = Arrays.copyOfRange(fixture.ids().get(0), 0, 20);
      List<long[]> ids = new ArrayList<>(fixture.ids());
      ids.add(text);
      List<NDArray> images = new ArrayList<>(fixture.imageTokens());
      images.add(null);
      Prompts p = new Prompts(ids, images, fixture.context(), fixture.eos());
      Set<Long> stop = Set.of(p.eos());
      long[][] alone = new long[3][];
      for (int i = 0; i < 3; i++) {
        try (PromptDecoding state =
            model.decoding(embeddings(model, p, List.of(i), batch).get(0), true, batch)) {
          alone[i] = Generator.generate(state, settings, stop);
        }
      }
      for (List<Integer> order : List.of(List.of(0, 1, 2), List.of(2, 1, 0))) {
        for (boolean cache : new boolean[] {true, false}) {
          try (PromptDecoding state =
              model.decoding(embeddings(model, p, order, batch), cache, batch)) {
            long[][] got = Generator.generate(state, 3, settings, stop);
            for (int k = 0; k < 3; k++) {
              assertThat(got[k])
                  .as("prompt %d in order %s, cache %s", order.get(k), order, cache)
                  .containsExactly(alone[order.get(k)]);
            }
          }
        }
      }
    }
  }
}
