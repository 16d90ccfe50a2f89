package io.vleval.model.internvl.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.model.internvl.chat.ChatConfig;
import io.vleval.model.internvl.clip.InternVlCgConfig;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.config.NormType;
import io.vleval.model.internvl.llm.DecoderConfig;

/**
 * Writes model configurations as the reference's {@code config.json} (HF field names), the inverse
 * of {@code InternVlCgConfig.fromJson} and {@code ChatConfig.fromJson}.
 */
public final class ConfigJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ConfigJson() {}

  /**
   * @param c an InternVL-C/-G architecture
   * @return its config.json ({@code model_type: internvl})
   */
  public static ObjectNode internVl(InternVlCgConfig c) {
    ObjectNode root = JSON.createObjectNode();
    root.putArray("architectures").add("InternVLModel");
    root.put("model_type", InternVlCgConfig.MODEL_TYPE);
    root.put("attn_pool_num_heads", c.attnPoolNumHeads());
    root.put("clip_embed_dim", c.clipEmbedDim());
    root.put("cross_attention_frequency", c.qllama().crossAttentionFrequency());
    root.put("num_query_token", c.qllama().numQueryTokens());
    if (c.imageSize() != c.vision().imageSize()) {
      root.put("force_image_size", c.imageSize());
    } else {
      root.putNull("force_image_size");
    }
    root.put("label_smoothing", 0.0);
    root.put("torch_dtype", "float32");
    root.put("use_backbone_lora", 0);
    root.put("use_qllama_lora", 0);
    root.set("vision_config", vision(c.vision()));
    ObjectNode q = decoder(c.qllama());
    q.put("cross_attention_frequency", c.qllama().crossAttentionFrequency());
    q.put("num_query_token", c.qllama().numQueryTokens());
    root.set("qllama_config", q);
    return root;
  }

  /**
   * @param c an InternVL-Chat architecture
   * @return its config.json ({@code model_type: internvl_chat})
   */
  public static ObjectNode chat(ChatConfig c) {
    ObjectNode root = JSON.createObjectNode();
    root.putArray("architectures").add("InternVLChatModel");
    root.put("model_type", ChatConfig.MODEL_TYPE);
    root.put("downsample_ratio", c.downsampleRatio());
    root.put("ps_version", c.psVersion());
    root.put("select_layer", c.selectLayer());
    root.put("force_image_size", c.imageSize());
    root.put("template", c.template());
    root.put("min_dynamic_patch", c.minDynamicPatch());
    root.put("max_dynamic_patch", c.maxDynamicPatch());
    root.put("dynamic_image_size", c.dynamicImageSize());
    root.put("use_thumbnail", c.useThumbnail());
    root.put("torch_dtype", "float32");
    root.set("vision_config", vision(c.vision()));
    root.set("llm_config", decoder(c.llm()));
    return root;
  }

  /**
   * @param v an InternViT architecture
   * @return its {@code vision_config}
   */
  public static ObjectNode vision(InternVitConfig v) {
    ObjectNode o = JSON.createObjectNode();
    o.putArray("architectures").add("InternVisionModel");
    o.put("model_type", InternVitConfig.MODEL_TYPE);
    o.put("num_channels", v.numChannels());
    o.put("patch_size", v.patchSize());
    o.put("image_size", v.imageSize());
    o.put("qkv_bias", v.qkvBias());
    o.put("hidden_size", v.hiddenSize());
    o.put("num_attention_heads", v.numAttentionHeads());
    o.put("intermediate_size", v.intermediateSize());
    o.put("qk_normalization", v.qkNormalization());
    o.put("num_hidden_layers", v.numHiddenLayers());
    o.put("hidden_act", v.hiddenAct());
    o.put("norm_type", v.normType() == NormType.LAYER_NORM ? "layer_norm" : "rms_norm");
    o.put("layer_norm_eps", v.layerNormEps());
    o.put("dropout", v.dropout());
    o.put("attention_dropout", v.attentionDropout());
    o.put("drop_path_rate", v.dropPathRate());
    o.put("initializer_range", v.initializerRange());
    o.put("initializer_factor", v.initializerFactor());
    o.put("use_flash_attn", false);
    return o;
  }

  /**
   * @param d a decoder architecture
   * @return its {@code qllama_config} / {@code llm_config}
   */
  public static ObjectNode decoder(DecoderConfig d) {
    ObjectNode o = JSON.createObjectNode();
    o.putArray("architectures").add(d.family().architecture());
    o.put(
        "model_type",
        switch (d.family()) {
          case LLAMA -> "llama";
          case INTERNLM2 -> "internlm2";
          case QWEN2 -> "qwen2";
          case PHI3 -> "phi3";
        });
    o.put("vocab_size", d.vocabSize());
    o.put("hidden_size", d.hiddenSize());
    o.put("num_attention_heads", d.numAttentionHeads());
    o.put("num_key_value_heads", d.numKeyValueHeads());
    o.put("intermediate_size", d.intermediateSize());
    o.put("num_hidden_layers", d.numHiddenLayers());
    o.put("rms_norm_eps", d.rmsNormEps());
    o.put("rope_theta", d.ropeTheta());
    o.put("max_position_embeddings", d.maxPositionEmbeddings());
    if (d.suScaling() != null) {
      ObjectNode s = o.putObject("rope_scaling");
      s.put("type", "su");
      d.suScaling().shortFactor().forEach(s.putArray("short_factor")::add);
      d.suScaling().longFactor().forEach(s.putArray("long_factor")::add);
      o.put("original_max_position_embeddings", d.suScaling().originalMaxPositionEmbeddings());
    } else if (d.ropeScalingType() != null) {
      ObjectNode s = o.putObject("rope_scaling");
      s.put("type", d.ropeScalingType());
      s.put("factor", d.ropeScalingFactor());
    } else {
      o.putNull("rope_scaling");
    }
    o.put("hidden_act", "silu");
    o.put("bos_token_id", d.bosTokenId());
    o.put("eos_token_id", d.eosTokenId());
    o.put("pad_token_id", d.padTokenId());
    o.put("tie_word_embeddings", d.tieWordEmbeddings());
    return o;
  }
}
