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
 * @param tieWordEmbeddings {@code tie_word_embeddings}: a checkpoint without an output head uses
 *     the token embeddings as its head
 * @param suScaling Phi-3's {@code su} RoPE scaling ({@code rope_scaling.type: su}), or null
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
    int numQueryTokens,
    boolean tieWordEmbeddings,
    SuScaling suScaling) {

  /**
   * Phi-3's {@code su} RoPE scaling (the reference's {@code Phi3SuScaledRotaryEmbedding}): the
   * frequencies divided per dimension by {@code short_factor}, or by {@code long_factor} once the
   * sequence ({@code max(position) + 1}) exceeds {@code original_max_position_embeddings}; cos and
   * sin multiplied by {@code sqrt(1 + ln(s) / ln(original))}, {@code s = max_position_embeddings /
   * original} (1 when {@code s <= 1}).
   *
   * @param shortFactor {@code rope_scaling.short_factor}, one per frequency
   * @param longFactor {@code rope_scaling.long_factor}, one per frequency
   * @param originalMaxPositionEmbeddings {@code original_max_position_embeddings}
   */
  public record SuScaling(
      List<Double> shortFactor, List<Double> longFactor, int originalMaxPositionEmbeddings) {

    /** Copies the lists. */
    public SuScaling {
      shortFactor = List.copyOf(shortFactor);
      longFactor = List.copyOf(longFactor);
    }

    /**
     * @param maxPositionEmbeddings {@code max_position_embeddings}
     * @return the factor cos and sin are multiplied by
     */
    public double magnitude(int maxPositionEmbeddings) {
      double scale = (double) maxPositionEmbeddings / originalMaxPositionEmbeddings;
      return scale <= 1.0
          ? 1.0
          : Math.sqrt(1 + Math.log(scale) / Math.log(originalMaxPositionEmbeddings));
    }
  }

  /**
   * The {@code llm_config.architectures} names this decoder reads, in the order of {@link Family}.
   */
  public static final List<String> ARCHITECTURES =
      List.of("LlamaForCausalLM", "InternLM2ForCausalLM", "Qwen2ForCausalLM", "Phi3ForCausalLM");

  /**
   * A configuration without tied embeddings (QLLaMA, LLaMA, InternLM2 as before).
   *
   * @param family see the record
   * @param vocabSize see the record
   * @param hiddenSize see the record
   * @param numAttentionHeads see the record
   * @param numKeyValueHeads see the record
   * @param intermediateSize see the record
   * @param numHiddenLayers see the record
   * @param rmsNormEps see the record
   * @param ropeTheta see the record
   * @param maxPositionEmbeddings see the record
   * @param ropeScalingType see the record
   * @param ropeScalingFactor see the record
   * @param bosTokenId see the record
   * @param eosTokenId see the record
   * @param padTokenId see the record
   * @param crossAttentionFrequency see the record
   * @param crossAttentionWidth see the record
   * @param numQueryTokens see the record
   */
  public DecoderConfig(
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
    this(
        family,
        vocabSize,
        hiddenSize,
        numAttentionHeads,
        numKeyValueHeads,
        intermediateSize,
        numHiddenLayers,
        rmsNormEps,
        ropeTheta,
        maxPositionEmbeddings,
        ropeScalingType,
        ropeScalingFactor,
        bosTokenId,
        eosTokenId,
        padTokenId,
        crossAttentionFrequency,
        crossAttentionWidth,
        numQueryTokens,
        false,
        null);
  }

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
    INTERNLM2,
    /**
     * Qwen2 / Qwen2.5 (transformers' {@code Qwen2ForCausalLM}): the LLaMA keys plus biases on
     * {@code self_attn.{q,k,v}_proj}; the head may be tied to the embeddings.
     */
    QWEN2,
    /**
     * Phi-3 (the reference's {@code Phi3ForCausalLM}): LLaMA's names but fused {@code
     * self_attn.qkv_proj} ({@code [q | k | v]} rows) and {@code mlp.gate_up_proj} ({@code [gate |
     * up]} rows); {@code su} RoPE scaling.
     */
    PHI3;

    /**
     * @return whether the checkpoint uses LLaMA's key names ({@code model.embed_tokens}, {@code
     *     self_attn.*}, {@code mlp.*}, {@code lm_head})
     */
    public boolean llamaKeys() {
      return this != INTERNLM2;
    }

    /**
     * @return the {@code llm_config.architectures} name of this family
     */
    public String architecture() {
      return ARCHITECTURES.get(ordinal());
    }
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
    if (suScaling != null
        && numAttentionHeads > 0
        && (suScaling.shortFactor().size() != hiddenSize / numAttentionHeads / 2
            || suScaling.longFactor().size() != hiddenSize / numAttentionHeads / 2)) {
      p.add(
          "fields 'rope_scaling.short_factor' and 'long_factor' have "
              + suScaling.shortFactor().size()
              + " and "
              + suScaling.longFactor().size()
              + " values; expected head dim / 2 = "
              + hiddenSize / numAttentionHeads / 2);
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
    return read(node, source, qllama, visionWidth, topCrossFrequency, topQueryTokens, false);
  }

  /**
   * Reads the {@code llm_config} of an InternVL-Chat checkpoint: the family comes from {@code
   * architectures[0]} ({@link #ARCHITECTURES}), as the reference chooses the language model's
   * class, else from {@code model_type}.
   *
   * @param node the {@code llm_config} object
   * @param source where it came from, for messages
   * @return the configuration
   * @throws ModelConfigException naming every wrong field, an unsupported architecture with the
   *     supported ones
   */
  public static DecoderConfig fromChatLlmConfig(JsonNode node, String source) {
    return read(node, source, false, 0, null, null, true);
  }

  private static DecoderConfig read(
      JsonNode node,
      String source,
      boolean qllama,
      int visionWidth,
      Integer topCrossFrequency,
      Integer topQueryTokens,
      boolean byArchitecture) {
    List<String> p = new ArrayList<>();
    JsonFields f = new JsonFields(node, p);
    String modelType = f.text("model_type", "llama");
    Family family = null;
    JsonNode architectures = node.get("architectures");
    if (byArchitecture
        && architectures != null
        && architectures.isArray()
        && !architectures.isEmpty()) {
      // the reference picks the language model's class by architectures[0], as done here
      String arch = architectures.get(0).asText();
      int i = ARCHITECTURES.indexOf(arch);
      if (i < 0) {
        p.add(
            "field 'architectures' = '"
                + arch
                + "'; expected one of "
                + String.join(", ", ARCHITECTURES));
      } else {
        family = Family.values()[i];
      }
    }
    if (family == null) {
      switch (modelType) {
        case "llama" -> family = Family.LLAMA;
        case "internlm2" -> family = Family.INTERNLM2;
        case "qwen2" -> family = Family.QWEN2;
        case "phi3" -> family = Family.PHI3;
        default -> {
          if (p.isEmpty()) {
            p.add(
                "field 'model_type' = '"
                    + modelType
                    + "'; expected 'llama', 'internlm2', 'qwen2' or 'phi3'");
          }
          family = Family.LLAMA;
        }
      }
    }
    if (family == Family.QWEN2 || family == Family.PHI3) {
      if (f.bool("use_sliding_window", false)) {
        p.add(
            "field 'use_sliding_window' = true; sliding-window attention is not supported, expected"
                + " false (as every released InternVL decoder has it)");
      }
      int window = f.integer("sliding_window", Integer.MAX_VALUE);
      int positions = f.integer("max_position_embeddings", 2048);
      if (f.has("sliding_window") && window < positions) {
        p.add(
            "field 'sliding_window' = "
                + window
                + " is below max_position_embeddings = "
                + positions
                + "; windowed attention is not supported, expected a window of at least"
                + " max_position_embeddings (as every released InternVL decoder has it)");
      }
    }
    if (family == Family.QWEN2 && f.has("rope_scaling")) {
      // transformers 4.37.2's Qwen2 (the reference) applies no scaling; dynamic NTK changes nothing
      // up to max_position_embeddings, so it is the one kind accepted (and applied beyond, as later
      // transformers do)
      String type = new JsonFields(node.get("rope_scaling"), p).text("type", null);
      type =
          type != null ? type : new JsonFields(node.get("rope_scaling"), p).text("rope_type", null);
      if (!"dynamic".equals(type)) {
        p.add(
            "field 'rope_scaling.type' = '"
                + type
                + "'; the Qwen2 decoder supports 'dynamic' (or no rope_scaling)");
      }
    }
    if (qllama && family != Family.LLAMA) {
      p.add("QLLaMA must be a 'llama' model, found '" + modelType + "'");
    }
    if (family != Family.QWEN2 && f.bool("attention_bias", false)
        || f.bool("bias", false) && family == Family.INTERNLM2) {
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
    SuScaling su = null;
    if (scaling != null && !scaling.isNull() && family == Family.PHI3) {
      // the reference's Phi3Attention._init_rope knows 'su' and 'yarn'; 'su' is what the
      // released Phi-3 decoders of InternVL name
      JsonFields s = new JsonFields(scaling, p);
      String type = s.text("type", null);
      if (!"su".equals(type)) {
        p.add("field 'rope_scaling.type' = '" + type + "'; expected 'su' (or no rope_scaling)");
      } else if (!f.has("original_max_position_embeddings")) {
        p.add("field 'original_max_position_embeddings' is missing; 'su' RoPE scaling needs it");
      } else {
        su =
            new SuScaling(
                doubles(scaling.get("short_factor"), "rope_scaling.short_factor", p),
                doubles(scaling.get("long_factor"), "rope_scaling.long_factor", p),
                f.integer("original_max_position_embeddings", 4096));
      }
    } else if (scaling != null && !scaling.isNull() && !qllama) {
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
        queries,
        f.bool("tie_word_embeddings", false),
        su);
  }

  private static List<Double> doubles(JsonNode array, String field, List<String> p) {
    List<Double> out = new ArrayList<>();
    if (array == null || !array.isArray()) {
      p.add("field '" + field + "' is missing or not a list of numbers");
      return out;
    }
    for (JsonNode v : array) {
      if (!v.isNumber()) {
        p.add("field '" + field + "' holds '" + v + "'; expected numbers");
        return out;
      }
      out.add(v.asDouble());
    }
    return out;
  }

  /**
   * Returns every parameter's key (family naming, no outer prefix) and shape, as the checkpoint
   * stores them.
   *
   * @return key → shape
   */
  public Map<String, long[]> parameterShapes() {
    return parameterShapes(true);
  }

  /**
   * @return the key of the output head ({@code lm_head.weight} or {@code output.weight})
   */
  public String headKey() {
    return family.llamaKeys() ? "lm_head.weight" : "output.weight";
  }

  /**
   * As {@link #parameterShapes()}, with or without the output head (a checkpoint with tied
   * embeddings may leave it out).
   *
   * @param withHead whether the head is listed
   * @return key → shape
   */
  public Map<String, long[]> parameterShapes(boolean withHead) {
    long d = hiddenSize;
    long hd = headDim();
    long q = numAttentionHeads * hd;
    long kv = numKeyValueHeads * hd;
    long ff = intermediateSize;
    Map<String, long[]> m = new LinkedHashMap<>();
    boolean llama = family.llamaKeys();
    m.put(
        llama ? "model.embed_tokens.weight" : "model.tok_embeddings.weight",
        new long[] {vocabSize, d});
    for (int i = 0; i < numHiddenLayers; i++) {
      String p = "model.layers." + i + ".";
      if (family == Family.PHI3) {
        m.put(p + "self_attn.qkv_proj.weight", new long[] {q + 2 * kv, d});
        m.put(p + "self_attn.o_proj.weight", new long[] {d, q});
        m.put(p + "mlp.gate_up_proj.weight", new long[] {2 * ff, d});
        m.put(p + "mlp.down_proj.weight", new long[] {d, ff});
        m.put(p + "input_layernorm.weight", new long[] {d});
        m.put(p + "post_attention_layernorm.weight", new long[] {d});
      } else if (llama) {
        m.put(p + "self_attn.q_proj.weight", new long[] {q, d});
        m.put(p + "self_attn.k_proj.weight", new long[] {kv, d});
        m.put(p + "self_attn.v_proj.weight", new long[] {kv, d});
        if (family == Family.QWEN2) {
          m.put(p + "self_attn.q_proj.bias", new long[] {q});
          m.put(p + "self_attn.k_proj.bias", new long[] {kv});
          m.put(p + "self_attn.v_proj.bias", new long[] {kv});
        }
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
    if (withHead) {
      m.put(headKey(), new long[] {vocabSize, d});
    }
    return m;
  }
}
