package io.vleval.model.internvl.provider;

import io.vleval.model.internvl.chat.ChatConfig;
import io.vleval.model.internvl.clip.InternVlCgConfig;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.config.NormType;
import io.vleval.model.internvl.llm.DecoderConfig;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Named architectures the provider builds with seeded random weights: the InternViT presets of
 * {@link InternVitConfig#preset}, plus {@code tiny-internvl} (an InternVL-C/-G with the shapes of
 * the {@code internvl_cg} fixture), {@code tiny-chat} (an InternVL-Chat with InternLM2, the shapes
 * of the {@code internvl_chat_internlm2} fixture) and {@code tiny-chat-qwen2} (the layout of
 * InternVL2.5-1B: Qwen2 with q/k/v biases and a head tied to the embeddings, the {@code
 * internvl2_5} template). The composite presets use a small built-in character-level tokenizer
 * (ASCII, common Chinese characters, hiragana, Cyrillic, Arabic).
 */
public final class Presets {

  static final String TINY_INTERNVL = "tiny-internvl";
  static final String TINY_CHAT = "tiny-chat";
  static final String TINY_CHAT_QWEN2 = "tiny-chat-qwen2";
  static final String TOKENIZER_RESOURCE = "tiny-tokenizer.json";

  private Presets() {}

  static Set<String> names() {
    Set<String> s = new LinkedHashSet<>(InternVitConfig.presetNames());
    s.add(TINY_INTERNVL);
    s.add(TINY_CHAT);
    s.add(TINY_CHAT_QWEN2);
    return s;
  }

  static CheckpointKind kind(String name) {
    return switch (name) {
      case TINY_INTERNVL -> CheckpointKind.CONTRASTIVE;
      case TINY_CHAT, TINY_CHAT_QWEN2 -> CheckpointKind.CHAT;
      default -> CheckpointKind.VISION;
    };
  }

  private static InternVitConfig tinyVision(boolean chatStyle) {
    InternVitConfig.Builder b =
        InternVitConfig.builder()
            .hiddenSize(64)
            .numAttentionHeads(4)
            .intermediateSize(256)
            .numHiddenLayers(2)
            .patchSize(14)
            .imageSize(56);
    if (chatStyle) {
      b.qkNormalization(false).qkvBias(true).normType(NormType.LAYER_NORM);
    }
    return b.build();
  }

  public static InternVlCgConfig tinyInternVl() {
    InternVitConfig vision = tinyVision(false);
    DecoderConfig qllama =
        new DecoderConfig(
            DecoderConfig.Family.LLAMA,
            1000,
            64,
            4,
            4,
            160,
            3,
            1e-6,
            10000,
            256,
            null,
            1,
            1,
            2,
            0,
            2,
            vision.hiddenSize(),
            96);
    return new InternVlCgConfig(vision, qllama, 32, 4, vision.imageSize());
  }

  /**
   * @param name a chat preset's name
   * @return its architecture
   */
  static ChatConfig chat(String name) {
    return name.equals(TINY_CHAT_QWEN2) ? tinyChatQwen2() : tinyChat();
  }

  /**
   * @return the {@code tiny-chat-qwen2} architecture (InternVL2.5-1B's layout at tiny size)
   */
  public static ChatConfig tinyChatQwen2() {
    InternVitConfig vision = tinyVision(true);
    DecoderConfig llm =
        new DecoderConfig(
            DecoderConfig.Family.QWEN2,
            1000,
            64,
            4,
            2,
            176,
            2,
            1e-6,
            1_000_000,
            512,
            null,
            1,
            1,
            2,
            2,
            0,
            0,
            0,
            true,
            null);
    return new ChatConfig(vision, llm, 0.5, "v2", -1, 56, "internvl2_5", 1, 6, true, true);
  }

  public static ChatConfig tinyChat() {
    InternVitConfig vision = tinyVision(true);
    DecoderConfig llm =
        new DecoderConfig(
            DecoderConfig.Family.INTERNLM2,
            1000,
            64,
            4,
            2,
            176,
            2,
            1e-5,
            1_000_000,
            512,
            "dynamic",
            2.0,
            1,
            2,
            2,
            0,
            0,
            0);
    return new ChatConfig(vision, llm, 0.5, "v2", -1, 56, "internlm2-chat", 1, 6, true, true);
  }
}
