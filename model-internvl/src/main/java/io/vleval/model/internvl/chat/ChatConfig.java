package io.vleval.model.internvl.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.config.JsonFields;
import io.vleval.model.internvl.config.ModelConfigException;
import io.vleval.model.internvl.llm.DecoderConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The architecture of an InternVL-Chat checkpoint ({@code model_type: internvl_chat}, v1.5 and
 * later).
 *
 * @param vision the InternViT
 * @param llm the language model ({@code llm_config}: {@code llama} or {@code internlm2})
 * @param downsampleRatio {@code downsample_ratio} of the pixel shuffle (0.5)
 * @param psVersion {@code ps_version}: {@code v1} keeps the transposed token order, {@code v2}
 *     fixes it
 * @param selectLayer {@code select_layer}: -1 = last layer, as a Python index into [embeddings,
 *     layer 1..L]
 * @param imageSize the tile side: {@code force_image_size}, else the vision {@code image_size}
 * @param template {@code template}, the conversation template name
 * @param minDynamicPatch {@code min_dynamic_patch}
 * @param maxDynamicPatch {@code max_dynamic_patch}
 * @param dynamicImageSize {@code dynamic_image_size}: tile images (else one resized tile)
 * @param useThumbnail {@code use_thumbnail}: add a whole-image tile when there are several
 * @param systemMessage {@code system_message}: replaces the template's system message when set
 *     (null: the template's)
 */
public record ChatConfig(
    InternVitConfig vision,
    DecoderConfig llm,
    double downsampleRatio,
    String psVersion,
    int selectLayer,
    int imageSize,
    String template,
    int minDynamicPatch,
    int maxDynamicPatch,
    boolean dynamicImageSize,
    boolean useThumbnail,
    String systemMessage) {

  /**
   * A configuration whose template keeps its own system message.
   *
   * @param vision see the record
   * @param llm see the record
   * @param downsampleRatio see the record
   * @param psVersion see the record
   * @param selectLayer see the record
   * @param imageSize see the record
   * @param template see the record
   * @param minDynamicPatch see the record
   * @param maxDynamicPatch see the record
   * @param dynamicImageSize see the record
   * @param useThumbnail see the record
   */
  public ChatConfig(
      InternVitConfig vision,
      DecoderConfig llm,
      double downsampleRatio,
      String psVersion,
      int selectLayer,
      int imageSize,
      String template,
      int minDynamicPatch,
      int maxDynamicPatch,
      boolean dynamicImageSize,
      boolean useThumbnail) {
    this(
        vision,
        llm,
        downsampleRatio,
        psVersion,
        selectLayer,
        imageSize,
        template,
        minDynamicPatch,
        maxDynamicPatch,
        dynamicImageSize,
        useThumbnail,
        null);
  }

  /**
   * @return the conversation template the checkpoint names, with its {@code system_message} if it
   *     has one
   */
  public ConversationTemplate conversation() {
    ConversationTemplate t = ConversationTemplate.named(template);
    return systemMessage == null ? t : t.withSystemMessage(systemMessage);
  }

  /** The {@code model_type} of these checkpoints. */
  public static final String MODEL_TYPE = "internvl_chat";

  /** Validates the cross-field constraints. */
  public ChatConfig {
    List<String> p = new ArrayList<>();
    int grid = imageSize / vision.patchSize();
    double scaled = grid * downsampleRatio;
    if (imageSize % vision.patchSize() != 0) {
      p.add(
          "image size " + imageSize + " is not a multiple of the patch size " + vision.patchSize());
    }
    if (downsampleRatio != 0.5) {
      p.add(
          "field 'downsample_ratio' = "
              + downsampleRatio
              + "; only 0.5 (the released value) is supported");
    } else if (scaled != Math.rint(scaled)) {
      p.add("the patch grid " + grid + " is not divisible by 1 / downsample_ratio");
    }
    if (!psVersion.equals("v1") && !psVersion.equals("v2")) {
      p.add("field 'ps_version' = '" + psVersion + "'; expected 'v1' or 'v2'");
    }
    if (selectLayer >= 0
        ? selectLayer > vision.numHiddenLayers()
        : -selectLayer > vision.numHiddenLayers() + 1) {
      p.add(
          "field 'select_layer' = "
              + selectLayer
              + " is outside the "
              + (vision.numHiddenLayers() + 1)
              + " hidden states");
    }
    if (!ConversationTemplate.names().contains(template)) {
      p.add(
          "field 'template' = '"
              + template
              + "'; expected one of "
              + String.join(", ", ConversationTemplate.names()));
    }
    if (minDynamicPatch < 1 || maxDynamicPatch < minDynamicPatch) {
      p.add(
          "need 1 <= min_dynamic_patch <= max_dynamic_patch, got "
              + minDynamicPatch
              + ", "
              + maxDynamicPatch);
    }
    if (!p.isEmpty()) {
      throw new ModelConfigException("InternVL-Chat config", p);
    }
  }

  /**
   * @return image tokens per tile: {@code (imageSize / patch)^2 * downsample_ratio^2}
   */
  public int numImageToken() {
    int grid = imageSize / vision.patchSize();
    return (int) Math.round(grid * grid * downsampleRatio * downsampleRatio);
  }

  /**
   * Reads a checkpoint's config.json.
   *
   * @param file the file
   * @return the configuration
   */
  public static ChatConfig fromJson(Path file) {
    JsonNode root = JsonFields.read(file);
    return fromJson(root, file.toString());
  }

  /**
   * Reads a parsed config.json.
   *
   * @param root the object
   * @param source for messages
   * @return the configuration
   */
  public static ChatConfig fromJson(JsonNode root, String source) {
    List<String> p = new ArrayList<>();
    JsonFields f = new JsonFields(root, p);
    if (!MODEL_TYPE.equals(f.text("model_type", ""))) {
      p.add(
          "field 'model_type' = '" + f.text("model_type", "") + "'; expected '" + MODEL_TYPE + "'");
    }
    JsonNode v = root.get("vision_config");
    JsonNode l = root.get("llm_config");
    if (v == null || !v.isObject()) {
      p.add("field 'vision_config' is missing or not an object");
    }
    if (l == null || !l.isObject()) {
      p.add("field 'llm_config' is missing or not an object");
    }
    double ratio = f.number("downsample_ratio", 0.5);
    String ps = f.text("ps_version", "v1");
    int select = f.integer("select_layer", -1);
    Integer force = f.has("force_image_size") ? f.integer("force_image_size", 0) : null;
    String template = f.text("template", "internlm2-chat");
    int min = f.integer("min_dynamic_patch", 1);
    int max = f.integer("max_dynamic_patch", 6);
    boolean dynamic = f.bool("dynamic_image_size", false);
    boolean thumb = f.bool("use_thumbnail", false);
    String system = f.text("system_message", null);
    if (!p.isEmpty()) {
      throw new ModelConfigException(source, p);
    }
    InternVitConfig vision = InternVitConfig.fromJson(v, source + " (vision_config)");
    DecoderConfig llm = DecoderConfig.fromChatLlmConfig(l, source + " (llm_config)");
    return new ChatConfig(
        vision,
        llm,
        ratio,
        ps,
        select,
        force != null ? force : vision.imageSize(),
        template,
        min,
        max,
        dynamic,
        thumb,
        system);
  }
}
