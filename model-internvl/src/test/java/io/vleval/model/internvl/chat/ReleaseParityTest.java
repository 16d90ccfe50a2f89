package io.vleval.model.internvl.chat;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.vleval.api.model.GenerationSettings;
import io.vleval.model.internvl.ParityMath;
import io.vleval.model.internvl.generation.Generator;
import io.vleval.model.internvl.llm.PromptDecoding;
import io.vleval.model.internvl.nd.Precision;
import io.vleval.model.internvl.safetensors.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden parity of the later InternVL-Chat releases with the reference, on the cases of {@code
 * fixtures/internvl_releases} (made by {@code src/test/fixture-gen/internvl_releases.py}): one tiny
 * checkpoint per language-model layout (Qwen2 tied and untied, InternLM2.5 with dynamic NTK RoPE,
 * LLaMA-3), each prompt with 2 tiles + a thumbnail. Every expected tensor within 1e-4 in float32
 * (also from float16-stored weights), the greedy tokens with and without the key/value cache; in
 * native float16 every tensor within half precision of the reference and the same next token.
 */
class ReleaseParityTest {

  static Path root() {
    try {
      return Path.of(
              ReleaseParityTest.class
                  .getResource("/fixtures/internvl_releases/templates.json")
                  .toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Path> cases() {
    try (Stream<Path> dirs = Files.list(root())) {
      List<Path> out =
          dirs.filter(d -> Files.isRegularFile(d.resolve("config.json"))).sorted().toList();
      assertThat(out).as("release cases").isNotEmpty();
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyExpectedTensorAndTheGreedyTokensMatch(Path dir) {
    Map<String, Double> errors = new TreeMap<>();
    measure(dir, DataType.FLOAT32, errors, new TreeMap<>(), true);
    ParityMath.report(dir.getFileName().toString(), errors);
    assertThat(errors).allSatisfy((k, e) -> assertThat(e).as(k).isLessThanOrEqualTo(1e-4));
  }

  /**
   * Native float16: within 1e-2 of each tensor's largest reference value (the reference cannot
   * compute in float16 on a CPU), the same next token, and really computed in half precision.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void float16ComputeStaysWithinHalfPrecisionOfTheReference(Path dir) {
    Map<String, Double> errors = new TreeMap<>();
    Map<String, Double> relative = new TreeMap<>();
    measure(dir, DataType.FLOAT16, errors, relative, false);
    ParityMath.report(dir.getFileName() + "_float16", errors);
    assertThat(relative).allSatisfy((k, e) -> assertThat(e).as(k).isLessThanOrEqualTo(1e-2));
    assertThat(errors.get("logits")).as("really computed in float16").isGreaterThan(1e-5);
  }

  private static void measure(
      Path dir,
      DataType dtype,
      Map<String, Double> errors,
      Map<String, Double> relative,
      boolean greedy) {
    try (InternVlChat model = InternVlChat.load(dir, Device.cpu(), dtype);
        SafetensorsFile in = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
        SafetensorsFile expected = SafetensorsFile.open(dir.resolve("expected.safetensors"));
        NDManager batch = model.manager().newSubManager()) {
      assertThat(model.config().llm().family().architecture())
          .as("decoder family")
          .isEqualTo(expected.metadata().get("llm"));
      assertThat(model.config().numImageToken())
          .as("num_image_token")
          .isEqualTo(Integer.parseInt(expected.metadata().get("num_image_token")));
      NDArray pixels = in.toNDArray("pixel_values", batch);
      long[] ids = in.longs("input_ids");
      long context = in.longs("img_context_token_id")[0];
      NDArray selected = model.selectedHiddenState(pixels);
      NDArray shuffled = model.pixelShuffle(selected);
      NDArray vit = model.project(shuffled);
      NDArray embeds = model.inputEmbeddings(ids, vit, context, batch);
      NDArray logits = model.logits(embeds);
      Map<String, NDArray> actual = new LinkedHashMap<>();
      actual.put("vision_selected_hidden_state", selected);
      actual.put("pixel_shuffle_output", shuffled);
      actual.put("vit_embeds", vit);
      actual.put("inputs_embeds", embeds);
      actual.put("logits", logits);
      actual.put("next_token_logits", logits.get(":, -1, :"));
      for (String key : expected.keys()) {
        if (key.equals("greedy_tokens")) {
          continue;
        }
        assertThat(actual)
            .as("expected tensor '%s' is one this test computes", key)
            .containsKey(key);
        NDArray a = actual.get(key);
        assertThat(a.getShape().getShape())
            .as(key + " shape")
            .containsExactly(expected.info(key).shape());
        float[] want = expected.floats(key);
        float[] got = Precision.toFloat32(a).toFloatArray();
        errors.put(key, ParityMath.maxAbsError(got, want));
        relative.put(key, ParityMath.relativeError(got, want));
      }
      assertThat(errors.keySet()).as("checked tensors").containsAll(actual.keySet());
      float[] want = expected.floats("next_token_logits");
      float[] got = Precision.toFloat32(actual.get("next_token_logits")).toFloatArray();
      assertThat(ParityMath.argMax(got, 0, got.length))
          .as("next token")
          .isEqualTo(ParityMath.argMax(want, 0, want.length));
      if (greedy) {
        long eos = in.longs("eos_token_id")[0];
        long[] reference = expected.longs("greedy_tokens");
        // the reference's output ends with the stop token when it met one; Generator leaves it out
        long[] tokens =
            reference[reference.length - 1] == eos
                ? Arrays.copyOf(reference, reference.length - 1)
                : reference;
        GenerationSettings settings =
            GenerationSettings.greedy(Integer.parseInt(expected.metadata().get("max_new_tokens")));
        for (boolean cache : new boolean[] {true, false}) {
          try (PromptDecoding state = model.decoding(embeds, cache, batch)) {
            assertThat(Generator.generate(state, settings, Set.of(eos)))
                .as("greedy tokens, cache " + cache)
                .containsExactly(tokens);
          }
        }
      }
    }
  }
}
