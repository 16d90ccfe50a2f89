package io.vleval.model.internvl.llm;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.model.internvl.config.JsonFields;
import io.vleval.model.internvl.config.ModelConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The architecture of one LLaMA-family decoder, read from the {@code qllama_config} or {@code
 * llm_config} of an InternVL checkpoint (HF field names).
 *
 * @param family the key layout and the few numerical differences (see {@link Family})
 * @param vocabSize {@code vocab_size}
 * @param hiddenSize {@code hidden_size}
 * @param numAttentionHeads {@code num_attention_heads}
 * @param numKeyValueHeads {@code num_key_value_heads} (grouped-query attention when smaller)
 * @param intermediateSize {@code intermediate_size}, the SwiGLU width
 * @param numHiddenLayers {@code num_hidden_layers}
 * @param rmsNormEps {@code rms_norm_eps}
 * @param ropeTheta RoPE base ({@code rope_theta}; QLLaMA's is fixed at 10000 whatever the file
 *     says)
 * @param maxPositionEmbeddings {@code max_position_embeddings}, where dynamic RoPE scaling starts
 * @param ropeScalingType null, {@code "dynamic"} (NTK) or {@code "linear"}
 * @param ropeScalingFactor the scaling factor (1 without scaling)
 * @param bosTokenId {@code bos_token_id}
 * @param eosTokenId {@code eos_token_id}
 * @param padTokenId {@code pad_token_id}
 * @param crossAttentionFrequency QLLaMA: cross-attention in layers with {@code idx % f == 0}; 0 =
 *     none
 * @param crossAttentionWidth QLLaMA: the width of the vision tokens the cross-attention reads
 * @param numQueryTokens QLLaMA: the learnable queries that cross-attention updates (96)
 */
public record DecoderConfig(
    Family family,
    int vocabSize,
    int hiddenSize,
    int numAttentionHeads,
    int numKeyValueHeads,
    int intermediateSize,
    int numHiddenLayers,
    double rmsNormEps,
    double ropeTheta,
    int maxPositionEmbeddings,
    String ropeScalingType,
    double ropeScalingFactor,
    int bosTokenId,
    int eosTokenId,
    int padTokenId,
    int crossAttentionFrequency,
    int crossAttentionWidth,
    int numQueryTokens) {

  /** The decoder variants: the same math with different key names and mask details. */
  public enum Family {
    /**
     * LLaMA / Vicuna / QLLaMA: {@code model.embed_tokens}, {@code self_attn.{q,k,v,o}_proj}, {@code
     * mlp.{gate,up,down}_proj}, {@code lm_head}; masked scores clamped at the float minimum.
     */
    LLAMA,
    /**
     * InternLM2: {@code model.tok_embeddings}, grouped {@code attention.wqkv}, {@code
     * attention.wo}, {@code feed_forward.{w1,w3,w2}}, {@code attention_norm}, {@code ffn_norm},
     * {@code output}.
     */
    INTERNLM2
  }

  /** Validates; see the record comment. */
  public DecoderConfig {
    List<String> p = new ArrayList<>();
    positive(p, "vocab_size", vocabSize);
    positive(p, "hidden_size", hiddenSize);
    positive(p, "num_attention_heads", numAttentionHeads);
    positive(p, "num_key_value_heads", numKeyValueHeads);
    positive(p, "intermediate_size", intermediateSize);
    positive(p, "num_hidden_layers", numHiddenLayers);
    positive(p, "max_position_embeddings", maxPositionEmbeddings);
    if (numAttentionHeads > 0 && hiddenSize % numAttentionHeads != 0) {
      p.add(
          "field 'hidden_size' = "
              + hiddenSize
              + " is not divisible by num_attention_heads = "
              + numAttentionHeads);
    } else if (numAttentionHeads > 0 && (hiddenSize / numAttentionHeads) % 2 != 0) {
      p.add(
          "head dim "
              + hiddenSize / numAttentionHeads
              + " is odd; rotary embeddings need an even head dim");
    }
    if (numKeyValueHeads > 0 && numAttentionHeads % numKeyValueHeads != 0) {
      p.add(
          "field 'num_attention_heads' = "
              + numAttentionHeads
              + " is not a multiple of num_key_value_heads = "
              + numKeyValueHeads);
    }
    if (!(rmsNormEps > 0)) {
      p.add("field 'rms_norm_eps' = " + rmsNormEps + "; expected a small positive number");
    }
    if (!(ropeTheta > 0)) {
      p.add("field 'rope_theta' = " + ropeTheta + "; expected a positive number");
    }
    if (ropeScalingType != null
        && !ropeScalingType.equals("dynamic")
        && !ropeScalingType.equals("linear")) {
      p.add(
          "field 'rope_scaling.type' = '" + ropeScalingType + "'; expected 'dynamic' or 'linear'");
    }
    if (!(ropeScalingFactor >= 1)) {
      p.add("field 'rope_scaling.factor' = " + ropeScalingFactor + "; expected at least 1");
    }
    if (crossAttentionFrequency < 0 || crossAttentionWidth < 0 || numQueryTokens < 0) {
      p.add("cross_attention_frequency, vision width and num_query_token must not be negative");
    }
    if (!p.isEmpty()) {
      throw new ModelConfigException("decoder config", p);
    }
  }

  private static void positive(List<String> p, String field, int v) {
    if (v <= 0) {
      p.add("field '" + field + "' = " + v + "; expected a positive integer");
    }
  }

  /**
   * @return the per-head width
   */
  public int headDim() {
    return hiddenSize / numAttentionHeads;
  }

  /**
   * @return query heads per key/value head
   */
  public int groups() {
    return numAttentionHeads / numKeyValueHeads;
  }

  /**
   * Returns whether layer {@code i} has QLLaMA cross-attention.
   *
   * @param i the layer index
   * @return true for {@code i % cross_attention_frequency == 0} when cross-attention is on
   */
  public boolean hasCrossAttention(int i) {
    return crossAttentionFrequency > 0 && i % crossAttentionFrequency == 0;
  }

  /**
   * Reads the LLM section of a config.json.
   *
   * @param node the {@code qllama_config} / {@code llm_config} object
   * @param source where it came from, for messages
   * @param qllama whether this is QLLaMA (RoPE base fixed at 10000, cross-attention fields read)
   * @param visionWidth the vision hidden size (QLLaMA's cross-attention reads it)
   * @param topCrossFrequency the top-level {@code cross_attention_frequency}, or null
   * @param topQueryTokens the top-level {@code num_query_token}, or null
   * @return the configuration
   * @throws ModelConfigException naming every wrong field
   */
  public static DecoderConfig fromJson(
      JsonNode node,
      String source,
      boolean qllama,
      int visionWidth,
      Integer topCrossFrequency,
      Integer topQueryTokens) {
    List<String> p = new ArrayList<>();
    JsonFields f = new JsonFields(node, p);
    String modelType = f.text("model_type", "llama");
    Family family;
    switch (modelType) {
      case "llama" -> family = Family.LLAMA;
      case "internlm2" -> family = Family.INTERNLM2;
      default -> {
        p.add("field 'model_type' = '" + modelType + "'; expected 'llama' or 'internlm2'");
        family = Family.LLAMA;
      }
    }
    if (qllama && family != Family.LLAMA) {
      p.add("QLLaMA must be a 'llama' model, found '" + modelType + "'");
    }
    if (f.bool("attention_bias", false) || f.bool("bias", false) && family == Family.INTERNLM2) {
      p.add("field 'attention_bias'/'bias' = true; projections with biases are not supported");
    }
    String act = f.text("hidden_act", "silu");
    if (!act.equals("silu")) {
      p.add("field 'hidden_act' = '" + act + "'; expected 'silu'");
    }
    int heads = f.integer("num_attention_heads", 32);
    String scalingType = null;
    double scalingFactor = 1;
    JsonNode scaling = node.get("rope_scaling");
    if (scaling != null && !scaling.isNull() && !qllama) {
      JsonFields s = new JsonFields(scaling, p);
      scalingType = s.text("type", s.text("rope_type", null));
      scalingFactor = s.number("factor", 1);
    }
    int crossFrequency = 0;
    int queries = 0;
    if (qllama) {
      crossFrequency =
          topCrossFrequency != null ? topCrossFrequency : f.integer("cross_attention_frequency", 2);
      queries = topQueryTokens != null ? topQueryTokens : f.integer("num_query_token", 96);
    }
    if (!p.isEmpty()) {
      throw new ModelConfigException(source, p);
    }
    return new DecoderConfig(
        family,
        f.integer("vocab_size", 32000),
        f.integer("hidden_size", 4096),
        heads,
        f.integer("num_key_value_heads", heads),
        f.integer("intermediate_size", 11008),
        f.integer("num_hidden_layers", 32),
        f.number("rms_norm_eps", 1e-6),
        qllama ? 10000.0 : f.number("rope_theta", 10000.0),
        f.integer("max_position_embeddings", 2048),
        scalingType,
        scalingFactor,
        f.integer("bos_token_id", 1),
        f.integer("eos_token_id", 2),
        f.integer("pad_token_id", 0),
        crossFrequency,
        qllama ? visionWidth : 0,
        queries);
  }

  /**
   * Returns every parameter's key (family naming, no outer prefix) and shape, as the checkpoint
   * stores them.
   *
   * @return key → shape
   */
  public Map<String, long[]> parameterShapes() {
    long d = hiddenSize;
    long hd = headDim();
    long q = numAttentionHeads * hd;
    long kv = numKeyValueHeads * hd;
    long ff = intermediateSize;
    Map<String, long[]> m = new LinkedHashMap<>();
    boolean llama = family == Family.LLAMA;
    m.put(
        llama ? "model.embed_tokens.weight" : "model.tok_embeddings.weight",
        new long[] {vocabSize, d});
    for (int i = 0; i < numHiddenLayers; i++) {
      String p = "model.layers." + i + ".";
      if (llama) {
        m.put(p + "self_attn.q_proj.weight", new long[] {q, d});
        m.put(p + "self_attn.k_proj.weight", new long[] {kv, d});
        m.put(p + "self_attn.v_proj.weight", new long[] {kv, d});
        m.put(p + "self_attn.o_proj.weight", new long[] {d, q});
        m.put(p + "mlp.gate_proj.weight", new long[] {ff, d});
        m.put(p + "mlp.up_proj.weight", new long[] {ff, d});
        m.put(p + "mlp.down_proj.weight", new long[] {d, ff});
        m.put(p + "input_layernorm.weight", new long[] {d});
        m.put(p + "post_attention_layernorm.weight", new long[] {d});
        if (hasCrossAttention(i)) {
          long v = crossAttentionWidth;
          m.put(p + "cross_attn.q_proj.weight", new long[] {q, d});
          m.put(p + "cross_attn.k_proj.weight", new long[] {q, v});
          m.put(p + "cross_attn.v_proj.weight", new long[] {q, v});
          m.put(p + "cross_attn.o_proj.weight", new long[] {d, q});
          m.put(p + "cross_attn.norm1.weight", new long[] {d});
          m.put(p + "cross_attn.norm2.weight", new long[] {v});
        }
      } else {
        m.put(p + "attention.wqkv.weight", new long[] {q + 2 * kv, d});
        m.put(p + "attention.wo.weight", new long[] {d, q});
        m.put(p + "feed_forward.w1.weight", new long[] {ff, d});
        m.put(p + "feed_forward.w3.weight", new long[] {ff, d});
        m.put(p + "feed_forward.w2.weight", new long[] {d, ff});
        m.put(p + "attention_norm.weight", new long[] {d});
        m.put(p + "ffn_norm.weight", new long[] {d});
      }
    }
    m.put("model.norm.weight", new long[] {d});
    m.put(llama ? "lm_head.weight" : "output.weight", new long[] {vocabSize, d});
    return m;
  }
}
