package io.vleval.model.internvl.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.model.internvl.config.ModelConfigException;
import io.vleval.model.internvl.llm.DecoderConfig;
import io.vleval.model.internvl.safetensors.SafetensorsCheckpoint;
import io.vleval.model.internvl.safetensors.TensorSource;
import io.vleval.model.internvl.vision.CheckpointMismatchException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * How {@link ChatConfig} recognises a release from its config.json ({@code
 * llm_config.architectures}, {@code template}, {@code system_message}, the Qwen2 window and RoPE
 * fields) and what it refuses, each refusal naming the field and the supported values; and how a
 * tied head is loaded.
 */
class ReleaseConfigTest {

  private static JsonNode config(String name) throws IOException {
    return new ObjectMapper()
        .readTree(ReleaseParityTest.root().resolve(name).resolve("config.json").toFile());
  }

  private static ChatConfig edited(String name, Consumer<ObjectNode> edit) throws IOException {
    ObjectNode root = (ObjectNode) config(name);
    edit.accept(root);
    return ChatConfig.fromJson(root, name + "/config.json");
  }

  private static ObjectNode llm(ObjectNode root) {
    return (ObjectNode) root.get("llm_config");
  }

  @Test
  void eachReleaseLayoutIsRecognisedByItsArchitecture() throws IOException {
    assertThat(edited("qwen2-tied", r -> {}).llm().family()).isEqualTo(DecoderConfig.Family.QWEN2);
    assertThat(edited("qwen2-tied", r -> {}).llm().tieWordEmbeddings()).isTrue();
    assertThat(edited("qwen25-untied-f16", r -> {}).llm().tieWordEmbeddings()).isFalse();
    assertThat(edited("internlm25-ntk", r -> {}).llm().family())
        .isEqualTo(DecoderConfig.Family.INTERNLM2);
    assertThat(edited("llama3-gqa", r -> {}).llm().family()).isEqualTo(DecoderConfig.Family.LLAMA);
    ChatConfig phi3 = edited("phi3-su", r -> {});
    assertThat(phi3.llm().family()).isEqualTo(DecoderConfig.Family.PHI3);
    assertThat(phi3.llm().suScaling().originalMaxPositionEmbeddings()).isEqualTo(16);
    assertThat(phi3.llm().suScaling().magnitude(64))
        .isEqualTo(Math.sqrt(1 + Math.log(4) / Math.log(16)));
    // the architecture decides, as the reference's config class does, not model_type
    assertThat(edited("qwen2-tied", r -> llm(r).put("model_type", "something")).llm().family())
        .isEqualTo(DecoderConfig.Family.QWEN2);
  }

  @Test
  void anUnsupportedLanguageModelIsRefusedNamingTheFieldAndTheSupportedValues() {
    assertThatThrownBy(
            () ->
                edited(
                    "qwen2-tied", r -> llm(r).putArray("architectures").add("MistralForCausalLM")))
        .isInstanceOf(ModelConfigException.class)
        .hasMessageContaining("qwen2-tied/config.json (llm_config)")
        .hasMessageContaining("field 'architectures' = 'MistralForCausalLM'")
        .hasMessageContaining("LlamaForCausalLM, InternLM2ForCausalLM, Qwen2ForCausalLM");
  }

  @Test
  void anUnknownTemplateIsRefusedNamingTheKnownOnes() {
    assertThatThrownBy(() -> edited("qwen2-tied", r -> r.put("template", "chatml")))
        .isInstanceOf(ModelConfigException.class)
        .hasMessageContaining("field 'template' = 'chatml'")
        .hasMessageContaining("Hermes-2")
        .hasMessageContaining("internvl2_5");
  }

  @Test
  void qwen2SettingsThatWouldChangeTheMathAreRefusedByName() {
    assertThatThrownBy(() -> edited("qwen2-tied", r -> llm(r).put("use_sliding_window", true)))
        .hasMessageContaining("field 'use_sliding_window' = true");
    assertThatThrownBy(() -> edited("qwen2-tied", r -> llm(r).put("sliding_window", 64)))
        .hasMessageContaining("field 'sliding_window' = 64 is below max_position_embeddings = 128");
    assertThatThrownBy(
            () ->
                edited(
                    "qwen2-tied",
                    r -> llm(r).putObject("rope_scaling").put("type", "yarn").put("factor", 4.0)))
        .hasMessageContaining(
            "field 'rope_scaling.type' = 'yarn'; the Qwen2 decoder supports 'dynamic'");
    assertThatThrownBy(
            () ->
                edited(
                    "llama3-gqa",
                    r ->
                        llm(r)
                            .putObject("rope_scaling")
                            .put("rope_type", "llama3")
                            .put("factor", 8.0)))
        .hasMessageContaining(
            "field 'rope_scaling.type' = 'llama3'; expected 'dynamic' or 'linear'");
  }

  @Test
  void phi3RopeScalingOtherThanSuIsRefusedByName() {
    assertThatThrownBy(
            () ->
                edited(
                    "phi3-su", r -> ((ObjectNode) llm(r).get("rope_scaling")).put("type", "yarn")))
        .isInstanceOf(ModelConfigException.class)
        .hasMessageContaining("field 'rope_scaling.type' = 'yarn'; expected 'su'");
    assertThatThrownBy(
            () ->
                edited(
                    "phi3-su",
                    r ->
                        ((ObjectNode) llm(r).get("rope_scaling")).putArray("long_factor").add(1.0)))
        .hasMessageContaining("'long_factor' have 6 and 1 values; expected head dim / 2 = 6");
  }

  @Test
  void qwen2DynamicRopeScalingIsAccepted() throws IOException {
    DecoderConfig llm =
        edited(
                "qwen25-untied-f16",
                r -> llm(r).putObject("rope_scaling").put("type", "dynamic").put("factor", 2.0))
            .llm();
    assertThat(llm.ropeScalingType()).isEqualTo("dynamic");
    assertThat(llm.ropeScalingFactor()).isEqualTo(2.0);
  }

  @Test
  void theConfigSystemMessageReplacesTheTemplates() throws IOException {
    ChatConfig plain = edited("qwen25-untied-f16", r -> {});
    assertThat(plain.conversation().system())
        .isEqualTo("<|im_start|>system\n" + ConversationTemplate.INTERNVL2_5_SYSTEM);
    ChatConfig custom = edited("qwen25-untied-f16", r -> r.put("system_message", "Be brief."));
    assertThat(custom.conversation().prompt("hi"))
        .isEqualTo(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n"
                + "<|im_start|>assistant\n");
  }

  @Test
  void aTiedHeadIsTheEmbeddingMatrixAndAMissingUntiedHeadIsReported() throws IOException {
    Path dir = ReleaseParityTest.root().resolve("qwen2-tied");
    try (InternVlChat chat = InternVlChat.load(dir, Device.cpu())) {
      assertThat(chat.llm().tiedHead()).isTrue();
    }
    ChatConfig untied = edited("qwen2-tied", r -> llm(r).put("tie_word_embeddings", false));
    try (SafetensorsCheckpoint tensors = SafetensorsCheckpoint.open(dir)) {
      TensorSource source = tensors;
      assertThatThrownBy(() -> InternVlChat.fromTensors(untied, source, Device.cpu()))
          .isInstanceOf(CheckpointMismatchException.class)
          .hasMessageContaining("language_model.lm_head.weight");
    }
    try (InternVlChat chat =
        InternVlChat.load(ReleaseParityTest.root().resolve("qwen25-untied-f16"), Device.cpu())) {
      assertThat(chat.llm().tiedHead()).isFalse();
    }
  }
}
