package io.vleval.model.internvl.clip;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.config.JsonFields;
import io.vleval.model.internvl.config.ModelConfigException;
import io.vleval.model.internvl.llm.DecoderConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The architecture of an InternVL-C/-G checkpoint ({@code model_type: internvl}, the stage-2 /
 * InternVL-14B layout): InternViT, QLLaMA and the two attention-pooling heads.
 *
 * @param vision the InternViT (stage-2 towers always use RMSNorm)
 * @param qllama QLLaMA, with {@code num_query_token} and {@code cross_attention_frequency} from the
 *     top level
 * @param clipEmbedDim {@code clip_embed_dim}, the shared embedding width (768 released)
 * @param attnPoolNumHeads {@code attn_pool_num_heads} (16 released)
 * @param imageSize the input side: {@code force_image_size} when set, else the vision {@code
 *     image_size}
 */
public record InternVlCgConfig(
    InternVitConfig vision,
    DecoderConfig qllama,
    int clipEmbedDim,
    int attnPoolNumHeads,
    int imageSize) {

  /** The {@code model_type} of these checkpoints. */
  public static final String MODEL_TYPE = "internvl";

  /**
   * Reads a checkpoint's config.json.
   *
   * @param file the file
   * @return the configuration
   * @throws ModelConfigException naming every wrong field
   */
  public static InternVlCgConfig fromJson(Path file) {
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
  public static InternVlCgConfig fromJson(JsonNode root, String source) {
    List<String> p = new ArrayList<>();
    JsonFields f = new JsonFields(root, p);
    if (!MODEL_TYPE.equals(f.text("model_type", ""))) {
      p.add(
          "field 'model_type' = '" + f.text("model_type", "") + "'; expected '" + MODEL_TYPE + "'");
    }
    JsonNode v = root.get("vision_config");
    JsonNode q = root.get("qllama_config");
    if (v == null || !v.isObject()) {
      p.add("field 'vision_config' is missing or not an object");
    }
    if (q == null || !q.isObject()) {
      p.add("field 'qllama_config' is missing or not an object");
    }
    int embed = f.integer("clip_embed_dim", 768);
    int heads = f.integer("attn_pool_num_heads", 16);
    Integer force = f.has("force_image_size") ? f.integer("force_image_size", 0) : null;
    Integer frequency =
        f.has("cross_attention_frequency") ? f.integer("cross_attention_frequency", 2) : null;
    Integer queries = f.has("num_query_token") ? f.integer("num_query_token", 96) : null;
    if (!p.isEmpty()) {
      throw new ModelConfigException(source, p);
    }
    InternVitConfig vision = InternVitConfig.fromJson(v, source + " (vision_config)");
    DecoderConfig qllama =
        DecoderConfig.fromJson(
            q, source + " (qllama_config)", true, vision.hiddenSize(), frequency, queries);
    return new InternVlCgConfig(
        vision, qllama, embed, heads, force != null ? force : vision.imageSize());
  }

  /** Validates the cross-field constraints. */
  public InternVlCgConfig {
    List<String> p = new ArrayList<>();
    if (clipEmbedDim <= 0) {
      p.add("field 'clip_embed_dim' = " + clipEmbedDim + "; expected a positive integer");
    }
    if (attnPoolNumHeads <= 0
        || vision.hiddenSize() % attnPoolNumHeads != 0
        || qllama.hiddenSize() % attnPoolNumHeads != 0) {
      p.add(
          "field 'attn_pool_num_heads' = "
              + attnPoolNumHeads
              + " must divide the vision width "
              + vision.hiddenSize()
              + " and the QLLaMA width "
              + qllama.hiddenSize());
    }
    if (imageSize <= 0 || imageSize % vision.patchSize() != 0) {
      p.add(
          "image size "
              + imageSize
              + " is not a positive multiple of the patch size "
              + vision.patchSize());
    }
    if (qllama.numQueryTokens() <= 0) {
      p.add(
          "field 'num_query_token' = " + qllama.numQueryTokens() + "; expected a positive integer");
    }
    if (!p.isEmpty()) {
      throw new ModelConfigException("InternVL config", p);
    }
  }
}
