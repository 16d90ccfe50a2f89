package io.vleval.model.internvl.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vleval.api.model.CaptionGenerator;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import io.vleval.api.model.Model;
import io.vleval.api.model.MultipleChoiceChat;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.RgbImage;
import io.vleval.model.internvl.chat.ConversationTemplate;
import io.vleval.model.internvl.chat.LlavaChat;
import io.vleval.model.internvl.generation.Generator;
import io.vleval.model.internvl.llm.PromptDecoding;
import io.vleval.model.internvl.safetensors.SafetensorsFile;
import io.vleval.model.internvl.safetensors.SafetensorsWriter;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.testkit.SpecYaml;
import io.vleval.testkit.fake.FakeImages;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code internvl} provider on an InternVL-Chat v1.0 (LLaVA-style) checkpoint: the parity
 * fixture plus the built-in character tokenizer as {@code tokenizer.json}, loaded end to end; and a
 * malformed v1.0 config refused.
 */
class InternVlProviderLlavaTest {

  @TempDir Path temp;

  private Path checkpoint(String configEdit) throws IOException, URISyntaxException {
    Path from =
        Path.of(getClass().getResource("/fixtures/internvl_chat_llava_v1_0/config.json").toURI())
            .getParent();
    Path dir = temp.resolve("InternVL-Chat-ViT-6B-tiny");
    Files.createDirectories(dir.resolve("intern_vit_6b"));
    for (String f : List.of("config.json", "model.safetensors", "intern_vit_6b/config.json")) {
      Files.copy(from.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    try (InputStream tok = getClass().getResourceAsStream(Presets.TOKENIZER_RESOURCE)) {
      Files.copy(tok, dir.resolve("tokenizer.json"));
    }
    if (configEdit != null) {
      String config = Files.readString(dir.resolve("config.json"));
      Files.writeString(
          dir.resolve("config.json"),
          config.replace("\"mm_projector_type\": \"mlp2x_gelu\"", configEdit));
    }
    return dir;
  }

  private InternVlSpec bind(String yaml) {
    return new SpecYaml(temp).bind(InternVlSpec.class, yaml);
  }

  @Test
  void answersAndCaptionsEndToEndAsTheDirectComputation() throws Exception {
    Path dir = checkpoint(null);
    InternVlProvider provider = new InternVlProvider();
    InternVlSpec spec = bind("checkpoint: " + dir + "\ndevice: cpu\n");
    assertThat(provider.capabilities(spec))
        .containsExactlyInAnyOrder(
            CaptionGenerator.class, MultipleChoiceChat.class, ImageChat.class);
    RgbImage wide = FakeImages.solid(3, 90);
    wide = new RgbImage(60, 30, Arrays.copyOf(wide.rgb(), 60 * 30 * 3)); // not square: padded first
    String question =
        "What colour is it?\nA. red\nB. blue\nAnswer with the option's letter from the given choices directly.";
    GenerationSettings greedy = GenerationSettings.greedy(4);
    String answer;
    String caption;
    try (Model model = provider.load(spec, new PluginContext(0, temp, 1))) {
      answer =
          model
              .require(MultipleChoiceChat.class)
              .answer(List.of(new ChatRequest(wide, question, List.of("A", "B"))), greedy)
              .get(0);
      caption =
          model
              .require(CaptionGenerator.class)
              .caption(List.of(wide), "Describe the image.", greedy)
              .get(0);
      assertThat(
              model
                  .require(MultipleChoiceChat.class)
                  .answer(List.of(new ChatRequest(null, "no image here", List.of())), greedy))
          .hasSize(1);
    }
    // the same turn computed directly: <image>\n + question, vicuna_v1, tokenizer_image_token, pad
    // + 336 crop
    assertThat(answer).isNotBlank().isEqualTo(direct(dir, wide, question, greedy));
    assertThat(caption).isNotBlank().isEqualTo(direct(dir, wide, "Describe the image.", greedy));
  }

  private static String direct(
      Path dir, RgbImage image, String question, GenerationSettings settings) {
    ConversationTemplate vicuna = ConversationTemplate.named("vicuna_v1");
    String prompt = vicuna.prompt("<image>\n" + question);
    assertThat(prompt)
        .startsWith(
            "A chat between a curious human and an artificial intelligence assistant. "
                + "The assistant gives helpful, detailed, and polite answers to the human's questions. USER: <image>\n")
        .endsWith(" ASSISTANT:");
    try (LlavaChat chat = LlavaChat.load(dir, Device.cpu());
        TextTokenizer tok = TextTokenizer.load(dir);
        NDManager batch = chat.manager().newSubManager()) {
      long[] ids = LlavaChat.tokenize(tok, prompt, 1);
      assertThat(ids).containsOnlyOnce(LlavaChat.IMAGE_TOKEN_INDEX);
      NDArray pixels = batch.create(chat.pixels(image, 336), new Shape(1, 3, 336, 336));
      NDArray embeds = chat.inputEmbeddings(ids, chat.encodeImages(pixels), batch);
      assertThat(embeds.getShape().get(1))
          .isEqualTo(ids.length - 1 + 24 * 24); // 576 patch tokens, no CLS
      try (PromptDecoding state = chat.decoding(embeds, true, batch)) {
        long[] out = Generator.generate(state, settings, Set.of(2L)); // </s>
        return tok.decode(out, true).strip();
      }
    }
  }

  @Test
  void refusesAMalformedV10ConfigInOneLineNamingFileAndField() throws Exception {
    Path dir = checkpoint("\"mm_projector_type\": \"linear\"");
    InternVlProvider provider = new InternVlProvider();
    InternVlSpec spec = bind("checkpoint: " + dir + "\ndevice: cpu\n");
    assertThatThrownBy(() -> provider.load(spec, new PluginContext(0, temp, 1)))
        .hasMessageStartingWith(dir.resolve("config.json").toString())
        .hasMessageContaining("field 'mm_projector_type' = 'linear'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  /**
   * A checkpoint that reads its tower from {@code mm_vision_tower} is checksummed with the tower's
   * weights.
   */
  @Test
  void theChecksumCoversATowerReadFromItsDirectory() throws Exception {
    Path dir = checkpoint(null);
    String whole = InternVlModel.weightsChecksum(dir);
    SafetensorsWriter vision = new SafetensorsWriter();
    SafetensorsWriter rest = new SafetensorsWriter();
    try (SafetensorsFile all = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
      for (String k : all.keys()) {
        String prefix = "model.vision_tower.vision_tower.";
        boolean inTower = k.startsWith(prefix);
        (inTower ? vision : rest)
            .addF32(inTower ? k.substring(prefix.length()) : k, all.info(k).shape(), all.floats(k));
      }
    }
    rest.write(dir.resolve("model.safetensors"));
    vision.write(dir.resolve("intern_vit_6b").resolve("model.safetensors"));
    InternVlSpec spec = bind("checkpoint: " + dir + "\n");
    String split;
    try (Model model = new InternVlProvider().load(spec, new PluginContext(0, temp, 1))) {
      split = model.info().checksum();
    }
    assertThat(split).isNotEqualTo(InternVlModel.weightsChecksum(dir)).isNotEqualTo(whole);
    // another tower, the same checkpoint file: another checksum
    SafetensorsWriter other = new SafetensorsWriter();
    try (SafetensorsFile tower =
        SafetensorsFile.open(dir.resolve("intern_vit_6b").resolve("model.safetensors"))) {
      for (String k : tower.keys()) {
        float[] v = tower.floats(k);
        v[0] += 1f;
        other.addF32(k, tower.info(k).shape(), v);
      }
    }
    other.write(dir.resolve("intern_vit_6b").resolve("model.safetensors"));
    try (Model model = new InternVlProvider().load(spec, new PluginContext(0, temp, 1))) {
      assertThat(model.info().checksum()).isNotEqualTo(split);
    }
  }
}
