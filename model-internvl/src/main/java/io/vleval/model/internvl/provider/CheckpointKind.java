package io.vleval.model.internvl.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.model.internvl.chat.ChatConfig;
import io.vleval.model.internvl.chat.LlavaConfig;
import io.vleval.model.internvl.clip.InternVlCgConfig;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.config.JsonFields;
import io.vleval.model.internvl.config.ModelConfigException;
import java.nio.file.Path;
import java.util.List;

/** What a checkpoint holds, from its {@code config.json}'s {@code model_type}. */
enum CheckpointKind {
  /** InternViT alone ({@code intern_vit_6b}). */
  VISION,
  /** InternVL-C/-G ({@code internvl}). */
  CONTRASTIVE,
  /** InternVL-Chat ({@code internvl_chat}). */
  CHAT,
  /** InternVL-Chat v1.0, the LLaVA-1.5-codebase models ({@code llava_llama}). */
  LLAVA_CHAT;

  /**
   * Reads {@code model_type} (and, for InternVL-Chat, checks the rest of config.json), never the
   * weights, so that planning stays cheap.
   */
  static CheckpointKind of(Path checkpoint) {
    Path file = checkpoint.resolve("config.json");
    JsonNode root = JsonFields.read(file);
    String type = root == null ? "" : root.path("model_type").asText("");
    return switch (type) {
      case InternVitConfig.MODEL_TYPE -> VISION;
      case InternVlCgConfig.MODEL_TYPE -> CONTRASTIVE;
      case ChatConfig.MODEL_TYPE -> {
        // the whole config, still without weights: an unsupported release (language model,
        // template, pixel shuffle, ...) is refused when the run is validated
        ChatConfig.fromJson(root, file.toString());
        yield CHAT;
      }
      case LlavaConfig.MODEL_TYPE -> LLAVA_CHAT;
      default ->
          throw new ModelConfigException(
              file.toString(),
              List.of(
                  "field 'model_type' = '"
                      + type
                      + "'; expected '"
                      + InternVitConfig.MODEL_TYPE
                      + "', '"
                      + InternVlCgConfig.MODEL_TYPE
                      + "', '"
                      + ChatConfig.MODEL_TYPE
                      + "' or '"
                      + LlavaConfig.MODEL_TYPE
                      + "'"));
    };
  }
}
