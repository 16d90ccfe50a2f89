package io.vleval.model.internvl.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.sample.RgbImage;
import io.vleval.model.internvl.ParityMath;
import io.vleval.model.internvl.config.ModelConfigException;
import io.vleval.model.internvl.generation.Generator;
import io.vleval.model.internvl.llm.PromptDecoding;
import io.vleval.model.internvl.nd.Precision;
import io.vleval.model.internvl.safetensors.SafetensorsFile;
import io.vleval.model.internvl.safetensors.SafetensorsWriter;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.model.internvl.vision.CheckpointMismatchException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden parity of InternVL-Chat v1.0 (LLaVA-1.5 codebase: InternViT {@code hidden_states[-4]},
 * patch tokens, {@code mlp2x_gelu}, LLaMA) with the reference ({@code
 * fixtures/internvl_chat_llava_v1_0}, made by {@code src/test/fixture-gen/llava_v1_0.py}): every
 * tensor within 1e-4, the next-token arg-max and six greedy tokens exact; plus the reference's
 * pad-to-square and {@code tokenizer_image_token}, and the refusals.
 */
class LlavaChatParityTest {

  @TempDir Path temp;

  static Path caseDir() {
    try {
      return Path.of(
              LlavaChatParityTest.class
                  .getResource("/fixtures/internvl_chat_llava_v1_0/config.json")
                  .toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void everyExpectedTensorMatches() {
    Path dir = caseDir();
    Map<String, Double> errors = new TreeMap<>();
    try (LlavaChat model = LlavaChat.load(dir, Device.cpu());
        SafetensorsFile in = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
        SafetensorsFile expected = SafetensorsFile.open(dir.resolve("expected.safetensors"));
        NDManager batch = model.manager().newSubManager()) {
      assertThat(model.config().selectLayer()).isEqualTo(-4);
      assertThat(model.config().projectorDepth()).isEqualTo(2);
      assertThat(model.config().imageSize()).isEqualTo(336); // the tower's name has no "448"
      NDArray pixels = in.toNDArray("pixel_values", batch);
      long[] ids = in.longs("input_ids");
      Map<String, NDArray> actual = new LinkedHashMap<>();
      actual.put("vision_hidden_states_selected", model.selectedHiddenState(pixels));
      NDArray selected = model.selectedFeatures(pixels);
      actual.put("image_features_selected", selected);
      NDArray image = model.project(selected);
      actual.put("image_features", image);
      NDArray embeds = model.inputEmbeddings(ids, image, batch);
      actual.put("inputs_embeds", embeds);
      NDArray logits = model.logits(embeds);
      actual.put("logits", logits);
      actual.put("next_token_logits", logits.get(":, -1, :"));
      for (Map.Entry<String, NDArray> e : actual.entrySet()) {
        String key = e.getKey();
        assertThat(e.getValue().getShape().getShape())
            .as(key + " shape")
            .containsExactly(expected.info(key).shape());
        float[] want = expected.floats(key);
        float[] got = e.getValue().toFloatArray();
        errors.put(key, ParityMath.maxAbsError(got, want));
      }
      float[] next = actual.get("next_token_logits").toFloatArray();
      float[] reference = expected.floats("next_token_logits");
      assertThat(ParityMath.argMax(next, 0, next.length))
          .isEqualTo(ParityMath.argMax(reference, 0, reference.length));
      long[] greedy = expected.longs("greedy_tokens");
      for (boolean cache : new boolean[] {true, false}) {
        try (PromptDecoding state = model.decoding(embeds, cache, batch)) {
          assertThat(Generator.generate(state, GenerationSettings.greedy(greedy.length), Set.of()))
              .as("greedy tokens, cache " + cache)
              .containsExactly(greedy);
        }
      }
    }
    ParityMath.report("internvl_chat_llava_v1_0", errors);
    assertThat(errors)
        .hasSize(6)
        .allSatisfy((k, e) -> assertThat(e).as(k).isLessThanOrEqualTo(1e-4));
  }

  @Test
  void padsToSquareWithTheMeanColourAsTheReference() {
    Path dir = caseDir();
    assertThat(LlavaChat.MEAN_COLOUR).containsExactly(123, 116, 103);
    try (SafetensorsFile in = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
        SafetensorsFile expected = SafetensorsFile.open(dir.resolve("expected.safetensors"))) {
      for (String c : new String[] {"wide", "tall"}) {
        long[] shape = in.info("pad_" + c + "_rgb").shape();
        RgbImage image =
            new RgbImage((int) shape[1], (int) shape[0], bytes(in.longs("pad_" + c + "_rgb")));
        RgbImage square = LlavaChat.expandToSquare(image, LlavaChat.MEAN_COLOUR);
        assertThat(square.width())
            .isEqualTo(square.height())
            .isEqualTo(Math.max(shape[0], shape[1]));
        assertThat(square.rgb())
            .as(c)
            .containsExactly(bytes(expected.longs("pad_" + c + "_square")));
      }
    }
  }

  @Test
  void tokenizesAroundTheImagePlaceholderAsTokenizerImageToken() throws IOException {
    try (InputStream json =
            getClass()
                .getResourceAsStream("/io/vleval/model/internvl/provider/tiny-tokenizer.json");
        TextTokenizer tok = TextTokenizer.fromStream(json, "tiny")) {
      long[] before = tok.encode("USER: ", true);
      long[] after = tok.encode("\nWhat is it? ASSISTANT:", true);
      assertThat(before[0]).isEqualTo(1);
      // [BOS] + piece 1 without its BOS + [IMAGE] + piece 2 without its BOS (each piece tokenized
      // alone)
      long[] ids = LlavaChat.tokenize(tok, "USER: <image>\nWhat is it? ASSISTANT:", 1);
      assertThat(ids)
          .containsExactly(concat(before, new long[] {LlavaChat.IMAGE_TOKEN_INDEX}, tail(after)));
      // a prompt that starts with the placeholder: the empty first piece is [BOS]
      assertThat(LlavaChat.tokenize(tok, "<image>\nWhat is it? ASSISTANT:", 1))
          .containsExactly(concat(new long[] {1, LlavaChat.IMAGE_TOKEN_INDEX}, tail(after)));
      assertThat(LlavaChat.tokenize(tok, "no image", 1))
          .containsExactly(tok.encode("no image", true));
    }
  }

  @Test
  void readsTheTowerFromItsDirectoryWhenTheCheckpointHasNoVisionWeights() throws IOException {
    Path dir = copyCase(c -> {});
    Path tower = dir.resolve("intern_vit_6b");
    SafetensorsWriter vision = new SafetensorsWriter();
    SafetensorsWriter rest = new SafetensorsWriter();
    try (SafetensorsFile all = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
      for (String k : all.keys()) {
        boolean inTower = k.startsWith(LlavaChat.VISION_PREFIX);
        (inTower ? vision : rest)
            .addF32(
                inTower ? k.substring(LlavaChat.VISION_PREFIX.length()) : k,
                all.info(k).shape(),
                all.floats(k));
      }
    }
    vision.write(tower.resolve("model.safetensors"));
    rest.write(dir.resolve("model.safetensors"));
    float[] split = nextTokenLogits(dir);
    float[] together = nextTokenLogits(caseDir());
    assertThat(split).containsExactly(together);
  }

  @Test
  void refusesInconsistentConfigsNamingFileAndField() throws IOException {
    Path linear = copyCase(c -> c.put("mm_projector_type", "linear"));
    assertThatThrownBy(() -> LlavaChat.load(linear, Device.cpu()))
        .isInstanceOf(ModelConfigException.class)
        .hasMessageStartingWith(linear.resolve("config.json").toString())
        .hasMessageContaining("field 'mm_projector_type' = 'linear'")
        .hasMessageNotContaining("\n");
    Path width = copyCase(c -> c.put("mm_hidden_size", 48));
    assertThatThrownBy(() -> LlavaChat.load(width, Device.cpu()))
        .hasMessageContaining(
            "field 'mm_hidden_size' = 48 but the vision tower's hidden_size is 32");
    Path layer = copyCase(c -> c.put("mm_vision_select_layer", -6));
    assertThatThrownBy(() -> LlavaChat.load(layer, Device.cpu()))
        .hasMessageContaining("'mm_vision_select_layer' = -6");
    Path tower = copyCase(c -> c.put("mm_vision_tower", "openai/clip-vit-large-patch14-336"));
    assertThatThrownBy(() -> LlavaChat.load(tower, Device.cpu()))
        .hasMessageContaining("field 'mm_vision_tower'");
    Path missing = copyCase(c -> c.put("mm_vision_tower", "InternViT-6B-448px"));
    assertThatThrownBy(() -> LlavaChat.load(missing, Device.cpu()))
        .hasMessageContaining("InternViT-6B-448px/config.json")
        .hasMessageContaining("resolved against the checkpoint");
    // three projector layers in the config, two in the file: the missing keys are listed
    Path deeper = copyCase(c -> c.put("mm_projector_type", "mlp3x_gelu"));
    assertThatThrownBy(() -> LlavaChat.load(deeper, Device.cpu()))
        .isInstanceOf(CheckpointMismatchException.class)
        .hasMessageContaining("model.mm_projector.4.weight")
        .hasMessageContaining("model.mm_projector.4.bias");
  }

  /**
   * {@code dtype: float16}: the next-token logits within 1e-2 of the largest reference logit, same
   * arg-max.
   */
  @Test
  void float16ComputeGivesTheSameNextToken() {
    Path dir = caseDir();
    try (LlavaChat model = LlavaChat.load(dir, Device.cpu(), DataType.FLOAT16);
        SafetensorsFile in = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
        SafetensorsFile expected = SafetensorsFile.open(dir.resolve("expected.safetensors"));
        NDManager batch = model.manager().newSubManager()) {
      NDArray image = model.encodeImages(in.toNDArray("pixel_values", batch));
      NDArray next =
          model.logits(model.inputEmbeddings(in.longs("input_ids"), image, batch)).get(":, -1, :");
      assertThat(next.getDataType()).isEqualTo(DataType.FLOAT16);
      float[] got = Precision.toFloat32(next).toFloatArray();
      float[] want = expected.floats("next_token_logits");
      assertThat(ParityMath.relativeError(got, want)).isLessThanOrEqualTo(1e-2);
      assertThat(ParityMath.maxAbsError(got, want))
          .as("really computed in float16")
          .isGreaterThan(1e-5);
      assertThat(ParityMath.argMax(got, 0, got.length))
          .isEqualTo(ParityMath.argMax(want, 0, want.length));
    }
  }

  private static float[] nextTokenLogits(Path dir) {
    Path fixture = caseDir();
    try (LlavaChat model = LlavaChat.load(dir, Device.cpu());
        SafetensorsFile in = SafetensorsFile.open(fixture.resolve("inputs.safetensors"));
        NDManager batch = model.manager().newSubManager()) {
      NDArray image = model.encodeImages(in.toNDArray("pixel_values", batch));
      return model
          .logits(model.inputEmbeddings(in.longs("input_ids"), image, batch))
          .get(":, -1, :")
          .toFloatArray();
    }
  }

  private Path copyCase(Consumer<ObjectNode> edit) throws IOException {
    Path dir = Files.createTempDirectory(temp, "llava");
    Path from = caseDir();
    Files.createDirectories(dir.resolve("intern_vit_6b"));
    Files.copy(from.resolve("model.safetensors"), dir.resolve("model.safetensors"));
    Files.copy(
        from.resolve("intern_vit_6b").resolve("config.json"),
        dir.resolve("intern_vit_6b").resolve("config.json"));
    ObjectMapper json = new ObjectMapper();
    ObjectNode config = (ObjectNode) json.readTree(from.resolve("config.json").toFile());
    edit.accept(config);
    json.writeValue(dir.resolve("config.json").toFile(), config);
    return dir;
  }

  private static byte[] bytes(long[] values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private static long[] tail(long[] a) {
    return Arrays.copyOfRange(a, 1, a.length);
  }

  private static long[] concat(long[]... parts) {
    return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
  }
}
