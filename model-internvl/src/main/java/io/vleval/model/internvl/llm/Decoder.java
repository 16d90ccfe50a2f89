package io.vleval.model.internvl.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.vleval.model.internvl.checkpoint.Weights;
import io.vleval.model.internvl.nd.FusedLinear;
import io.vleval.model.internvl.nd.Precision;
import io.vleval.model.internvl.nd.Scalars;
import io.vleval.model.internvl.safetensors.TensorSource;
import io.vleval.model.internvl.vision.TensorMismatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A LLaMA-family decoder, written once for QLLaMA, LLaMA/Vicuna/LLaMA-3/Yi, InternLM2/2.5 and
 * Qwen2/2.5.
 *
 * <p>Per layer: {@code h += o(attn(rope(q), rope(k), v))} on {@code input_layernorm(h)}; then, in
 * QLLaMA's cross-attention layers and only when vision tokens are given and the sequence holds at
 * least {@code num_query_token} positions, the first {@code num_query_token} positions get {@code
 * += o(attn(q(norm1(h)), k(norm2(vision)), v(norm2(vision))))} (no mask, no RoPE); then {@code h +=
 * down(silu(gate(x)) * up(x))} on {@code post_attention_layernorm(h)}. A final RMSNorm follows the
 * last layer. RMSNorm: {@code w * x / sqrt(mean(x^2) + eps)} in float32. RoPE: rotate-half, {@code
 * inv_freq[j] = base^(-2j/d)}. Scores are {@code q k^T / sqrt(hd)} plus an additive mask holding
 * the float minimum where masked, softmax in float32. Grouped-query attention lets query head
 * {@code j} use key/value head {@code j / groups}. Qwen2 adds biases to q, k and v; a head tied to
 * the embeddings reads the embedding matrix.
 *
 * <p>At load time q, k and v are fused into one projection (InternLM2's grouped {@code wqkv} rows
 * are regrouped into {@code [q heads | k heads | v heads]}) and gate and up into another, so each
 * layer makes four matrix products. Every array of a forward pass belongs to the manager of its
 * input embeddings.
 */
public final class Decoder implements AutoCloseable {

  private static final float MASKED = -Float.MAX_VALUE;

  private final DecoderConfig config;
  private final NDManager manager;
  private final Weights w;

  private Decoder(DecoderConfig config, NDManager manager, Weights w) {
    this.config = config;
    this.manager = manager;
    this.w = w;
  }

  /**
   * Compares the decoder's tensors under {@code prefix} with {@code config}, loading nothing.
   *
   * @param config the architecture
   * @param tensors the checkpoint
   * @param prefix the key prefix, e.g. {@code "language_model."}
   * @return the missing, unexpected and mis-shaped keys
   */
  public static TensorMismatch check(DecoderConfig config, TensorSource tensors, String prefix) {
    return Weights.check(
        tensors,
        prefix,
        config.parameterShapes(hasHead(config, tensors, prefix)),
        Decoder::isBuffer);
  }

  /**
   * Whether the checkpoint's decoder has its own output head: always, unless the config ties the
   * embeddings and the head's key is absent (then the token embeddings serve as the head, as
   * transformers' {@code tie_weights} makes them).
   */
  private static boolean hasHead(DecoderConfig config, TensorSource tensors, String prefix) {
    return !config.tieWordEmbeddings() || tensors.keys().contains(prefix + config.headKey());
  }

  /** Rotary-embedding buffers some checkpoints carry: recomputed here, so skipped. */
  private static boolean isBuffer(String key) {
    return key.endsWith("rotary_emb.inv_freq");
  }

  /**
   * Loads a decoder from a checkpoint.
   *
   * @param config the architecture
   * @param tensors the checkpoint
   * @param prefix the key prefix, e.g. {@code "qllama."} or {@code "language_model."}
   * @param parent the manager the decoder's own manager hangs from
   * @return the decoder
   * @throws io.vleval.model.internvl.vision.CheckpointMismatchException for missing, unexpected or
   *     mis-shaped keys
   */
  public static Decoder load(
      DecoderConfig config, TensorSource tensors, String prefix, NDManager parent) {
    NDManager m = parent.newSubManager();
    try {
      Weights raw =
          Weights.load(
              tensors,
              prefix,
              config.parameterShapes(hasHead(config, tensors, prefix)),
              Decoder::isBuffer,
              "the " + config.family() + " decoder config",
              m);
      return new Decoder(config, m, fuse(config, raw));
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /**
   * Builds a decoder with seeded random weights (N(0, 0.02), norm gains 1), for presets and
   * benchmarks.
   *
   * @param config the architecture
   * @param seed the seed
   * @param parent the manager the decoder's own manager hangs from
   * @return the decoder
   */
  public static Decoder random(DecoderConfig config, long seed, NDManager parent) {
    NDManager m = parent.newSubManager();
    return new Decoder(
        config,
        m,
        fuse(
            config,
            Weights.random(config.parameterShapes(!config.tieWordEmbeddings()), seed, 0.02, m)));
  }

  /** Renames into the internal layout and fuses qkv and gate/up. */
  private static Weights fuse(DecoderConfig c, Weights raw) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    boolean llama = c.family().llamaKeys();
    out.put("embed", raw.get(llama ? "model.embed_tokens.weight" : "model.tok_embeddings.weight"));
    long hd = c.headDim();
    long d = c.hiddenSize();
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      String p = "model.layers." + i + ".";
      String o = i + ".";
      if (c.family() == DecoderConfig.Family.PHI3) {
        // already fused in the reference's own order: [q | k | v] and [gate | up]
        out.put(o + "qkv", raw.get(p + "self_attn.qkv_proj.weight"));
        out.put(o + "o", raw.get(p + "self_attn.o_proj.weight"));
        out.put(o + "gateup", raw.get(p + "mlp.gate_up_proj.weight"));
        out.put(o + "down", raw.get(p + "mlp.down_proj.weight"));
        out.put(o + "norm1", raw.get(p + "input_layernorm.weight"));
        out.put(o + "norm2", raw.get(p + "post_attention_layernorm.weight"));
      } else if (llama) {
        out.put(
            o + "qkv",
            NDArrays.concat(
                new NDList(
                    raw.get(p + "self_attn.q_proj.weight"),
                    raw.get(p + "self_attn.k_proj.weight"),
                    raw.get(p + "self_attn.v_proj.weight")),
                0));
        out.put(o + "o", raw.get(p + "self_attn.o_proj.weight"));
        out.put(
            o + "gateup",
            NDArrays.concat(
                new NDList(raw.get(p + "mlp.gate_proj.weight"), raw.get(p + "mlp.up_proj.weight")),
                0));
        out.put(o + "down", raw.get(p + "mlp.down_proj.weight"));
        out.put(o + "norm1", raw.get(p + "input_layernorm.weight"));
        out.put(o + "norm2", raw.get(p + "post_attention_layernorm.weight"));
        raw.remove(p + "self_attn.q_proj.weight");
        raw.remove(p + "self_attn.k_proj.weight");
        raw.remove(p + "self_attn.v_proj.weight");
        if (c.family() == DecoderConfig.Family.QWEN2) {
          out.put(
              o + "qkvbias",
              NDArrays.concat(
                  new NDList(
                      raw.get(p + "self_attn.q_proj.bias"),
                      raw.get(p + "self_attn.k_proj.bias"),
                      raw.get(p + "self_attn.v_proj.bias")),
                  0));
          raw.remove(p + "self_attn.q_proj.bias");
          raw.remove(p + "self_attn.k_proj.bias");
          raw.remove(p + "self_attn.v_proj.bias");
        }
        raw.remove(p + "mlp.gate_proj.weight");
        raw.remove(p + "mlp.up_proj.weight");
        if (c.hasCrossAttention(i)) {
          String x = p + "cross_attn.";
          out.put(o + "xq", raw.get(x + "q_proj.weight"));
          out.put(
              o + "xkv",
              NDArrays.concat(
                  new NDList(raw.get(x + "k_proj.weight"), raw.get(x + "v_proj.weight")), 0));
          out.put(o + "xo", raw.get(x + "o_proj.weight"));
          out.put(o + "xnorm1", raw.get(x + "norm1.weight"));
          out.put(o + "xnorm2", raw.get(x + "norm2.weight"));
          raw.remove(x + "k_proj.weight");
          raw.remove(x + "v_proj.weight");
        }
      } else {
        // rows come in kv-head blocks of [q_0 .. q_{G-1}, k, v] x head_dim
        long kvh = c.numKeyValueHeads();
        long g = c.groups();
        NDArray wqkv = raw.get(p + "attention.wqkv.weight").reshape(kvh, g + 2, hd, d);
        NDArray q = wqkv.get(":, :" + g + ", :, :").reshape(kvh * g * hd, d);
        NDArray k = wqkv.get(":, " + g + ", :, :").reshape(kvh * hd, d);
        NDArray v = wqkv.get(":, " + (g + 1) + ", :, :").reshape(kvh * hd, d);
        out.put(o + "qkv", NDArrays.concat(new NDList(q, k, v), 0));
        q.close();
        k.close();
        v.close();
        wqkv.close();
        raw.remove(p + "attention.wqkv.weight");
        out.put(o + "o", raw.get(p + "attention.wo.weight"));
        out.put(
            o + "gateup",
            NDArrays.concat(
                new NDList(
                    raw.get(p + "feed_forward.w1.weight"), raw.get(p + "feed_forward.w3.weight")),
                0));
        raw.remove(p + "feed_forward.w1.weight");
        raw.remove(p + "feed_forward.w3.weight");
        out.put(o + "down", raw.get(p + "feed_forward.w2.weight"));
        out.put(o + "norm1", raw.get(p + "attention_norm.weight"));
        out.put(o + "norm2", raw.get(p + "ffn_norm.weight"));
      }
    }
    out.put("norm", raw.get("model.norm.weight"));
    if (raw.has(c.headKey())) {
      out.put("head", raw.get(c.headKey()));
    } // else tied: logits() reads the embeddings
    return Weights.of(out);
  }

  /**
   * Casts the weights to a compute type (float16 runs the layers in half precision, with RMSNorm
   * statistics and attention softmax in float32 as the reference does).
   *
   * @param dtype float32 or float16
   */
  public void cast(DataType dtype) {
    w.cast(dtype, Set.of());
  }

  /**
   * @return the architecture
   */
  public DecoderConfig config() {
    return config;
  }

  /**
   * Looks up token embeddings.
   *
   * @param ids token ids {@code [B][T]}
   * @param batch the manager that owns the result
   * @return {@code [B, T, hidden]}
   */
  public NDArray embed(long[][] ids, NDManager batch) {
    int b = ids.length;
    int t = ids[0].length;
    long[] flat = new long[b * t];
    for (int i = 0; i < b; i++) {
      if (ids[i].length != t) {
        throw new IllegalArgumentException(
            "rows of different lengths: " + t + " and " + ids[i].length);
      }
      for (int j = 0; j < t; j++) {
        long id = ids[i][j];
        if (id < 0 || id >= config.vocabSize()) {
          throw new IllegalArgumentException(
              "token id " + id + " outside the vocabulary of " + config.vocabSize());
        }
        flat[i * t + j] = id;
      }
    }
    NDArray index = batch.create(flat).toDevice(manager.getDevice(), false);
    NDArray rows = w.get("embed").get(new NDIndex("{}", index));
    rows.attach(batch);
    return rows.reshape(b, t, config.hiddenSize());
  }

  /**
   * Runs the decoder layers and the final norm.
   *
   * @param x input embeddings {@code [B, T, hidden]}; the outputs belong to its manager
   * @param positions rotary position of every input {@code [B][T]}
   * @param mask additive mask {@code [B][T * S]} (0 or the float minimum, S = cached + T), or null
   *     for none
   * @param cache keys and values of earlier positions, appended to; or null
   * @param vision vision tokens for QLLaMA's cross-attention {@code [B, N, width]}, or null
   * @return the final-normed hidden states {@code [B, T, hidden]}
   */
  public NDArray forward(
      NDArray x, long[][] positions, float[][] mask, KvCache cache, NDArray vision) {
    NDManager batch = x.getManager();
    Shape s = x.getShape();
    long b = s.get(0);
    long t = s.get(1);
    long past = cache == null ? 0 : cache.length();
    long total = past + t;
    DataType type = x.getDataType();
    NDList rope = rope(positions, total, batch);
    rope = new NDList(Precision.cast(rope.get(0), type), Precision.cast(rope.get(1), type));
    if (vision != null && vision.getManager() != batch) {
      // derived arrays follow their first operand: adopt a copy so they die with this pass
      vision = vision.duplicate();
      vision.attach(batch);
    }
    NDArray maskArray = null;
    if (mask != null) {
      float[] flat = new float[Math.toIntExact(b * t * total)];
      for (int i = 0; i < b; i++) {
        System.arraycopy(
            mask[i], 0, flat, Math.toIntExact(i * t * total), Math.toIntExact(t * total));
      }
      maskArray = batch.create(flat, new Shape(b, 1, t, total)).toDevice(x.getDevice(), false);
      if (type == DataType.FLOAT16) {
        // the reference fills with finfo(float16).min, not -inf
        maskArray = Scalars.maximum(maskArray, -65504f).toType(type, false);
      }
    }
    for (int i = 0; i < config.numHiddenLayers(); i++) {
      x = layer(i, x, rope, maskArray, cache, vision);
    }
    return rmsNorm(x, w.get("norm"));
  }

  /**
   * Projects hidden states to vocabulary logits.
   *
   * @param hidden {@code [..., hidden]}
   * @return {@code [..., vocab]}, in the manager of {@code hidden}
   */
  public NDArray logits(NDArray hidden) {
    return FusedLinear.apply(hidden, head(), null);
  }

  /**
   * @return whether the output head is the token embedding matrix (tied embeddings, no head stored)
   */
  public boolean tiedHead() {
    return !w.has("head");
  }

  private NDArray head() {
    return w.has("head") ? w.get("head") : w.get("embed");
  }

  private NDArray layer(
      int i, NDArray x, NDList rope, NDArray mask, KvCache cache, NDArray vision) {
    String o = i + ".";
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    int heads = config.numAttentionHeads();
    int kvh = config.numKeyValueHeads();
    long hd = config.headDim();
    NDArray h = rmsNorm(x, w.get(o + "norm1"));
    NDArray qkv =
        FusedLinear.apply(h, w.get(o + "qkv"), w.has(o + "qkvbias") ? w.get(o + "qkvbias") : null);
    NDList parts = qkv.split(new long[] {heads * hd, (heads + kvh) * hd}, 2);
    NDArray q = applyRope(parts.get(0).reshape(b, t, heads, hd).transpose(0, 2, 1, 3), rope);
    NDArray k = applyRope(parts.get(1).reshape(b, t, kvh, hd).transpose(0, 2, 1, 3), rope);
    NDArray v = parts.get(2).reshape(b, t, kvh, hd).transpose(0, 2, 1, 3);
    if (cache != null) {
      NDList kv = cache.append(i, k, v);
      k = kv.get(0);
      v = kv.get(1);
    }
    NDArray attn = attention(q, k, v, mask, heads, kvh);
    x = x.add(FusedLinear.apply(attn, w.get(o + "o"), null));
    int nq = config.numQueryTokens();
    if (config.hasCrossAttention(i) && vision != null && t >= nq) {
      NDArray queries = x.get(":, :" + nq + ", :");
      NDArray cross = crossAttention(o, queries, vision);
      NDArray updated = queries.add(cross);
      x = t == nq ? updated : NDArrays.concat(new NDList(updated, x.get(":, " + nq + ":, :")), 1);
    }
    NDArray g = FusedLinear.apply(rmsNorm(x, w.get(o + "norm2")), w.get(o + "gateup"), null);
    NDList gu = g.split(2, 2);
    NDArray ff = Scalars.silu(gu.get(0)).mul(gu.get(1));
    return x.add(FusedLinear.apply(ff, w.get(o + "down"), null));
  }

  /** Scaled dot-product attention with grouped key/value heads; q [B,H,T,hd], k/v [B,KV,S,hd]. */
  private NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, int heads, int kvh) {
    long b = q.getShape().get(0);
    long t = q.getShape().get(2);
    long hd = q.getShape().get(3);
    long s = k.getShape().get(2);
    long g = heads / kvh;
    // query heads h*G .. h*G+G-1 share kv head h: fold the group into the row axis instead of
    // copying k, v
    NDArray kt = k.transpose(0, 1, 3, 2);
    kt.attach(q.getManager()); // k may be owned by a cache; the view must die with this pass
    NDArray scores = q.reshape(b, kvh, g * t, hd).matMul(kt);
    scores = Scalars.div(scores, (float) Math.sqrt(hd)).reshape(b, heads, t, s);
    if (mask != null) {
      scores = scores.add(mask);
    }
    // softmax in float32 and back, as the reference's eager attention does in half precision
    // (in half-precision training in the scores' own type: DJL's toType would cut the graph)
    NDArray probs =
        (scores.hasGradient()
                ? scores.softmax(-1)
                : Precision.cast(Precision.toFloat32(scores).softmax(-1), q.getDataType()))
            .reshape(b, kvh, g * t, s);
    NDArray out = probs.matMul(v).reshape(b, heads, t, hd);
    return out.transpose(0, 2, 1, 3).reshape(b, t, heads * hd);
  }

  private NDArray crossAttention(String o, NDArray queries, NDArray vision) {
    long b = queries.getShape().get(0);
    long n = queries.getShape().get(1);
    long nv = vision.getShape().get(1);
    int heads = config.numAttentionHeads();
    long hd = config.headDim();
    NDArray q =
        FusedLinear.apply(rmsNorm(queries, w.get(o + "xnorm1")), w.get(o + "xq"), null)
            .reshape(b, n, heads, hd)
            .transpose(0, 2, 1, 3);
    NDArray vn = rmsNorm(vision, w.get(o + "xnorm2"));
    NDArray kv = FusedLinear.apply(vn, w.get(o + "xkv"), null);
    NDList kvParts = kv.split(2, 2);
    NDArray k = kvParts.get(0).reshape(b, nv, heads, hd).transpose(0, 2, 1, 3);
    NDArray v = kvParts.get(1).reshape(b, nv, heads, hd).transpose(0, 2, 1, 3);
    NDArray out = attention(q, k, v, null, heads, heads);
    return FusedLinear.apply(out, w.get(o + "xo"), null);
  }

  private NDArray rmsNorm(NDArray x, NDArray weight) {
    return Precision.rmsNorm(x, weight, config.rmsNormEps());
  }

  /**
   * cos and sin {@code [B, 1, T, hd]} for the positions, with the base this sequence length gives.
   */
  private NDList rope(long[][] positions, long total, NDManager batch) {
    int hd = config.headDim();
    int half = hd / 2;
    double base = config.ropeTheta();
    double scale = 1;
    if ("dynamic".equals(config.ropeScalingType()) && total > config.maxPositionEmbeddings()) {
      double f = config.ropeScalingFactor();
      base = base * Math.pow(f * total / config.maxPositionEmbeddings() - (f - 1), hd / (hd - 2.0));
    } else if ("linear".equals(config.ropeScalingType())) {
      scale = 1 / config.ropeScalingFactor();
    }
    DecoderConfig.SuScaling su = config.suScaling();
    List<Double> ext = null;
    float magnitude = 1f;
    if (su != null) {
      // Phi3SuScaledRotaryEmbedding: the sequence is max(position_ids) + 1
      long longest = 0;
      for (long[] row : positions) {
        for (long pos : row) {
          longest = Math.max(longest, pos + 1);
        }
      }
      ext = longest > su.originalMaxPositionEmbeddings() ? su.longFactor() : su.shortFactor();
      magnitude = (float) su.magnitude(config.maxPositionEmbeddings());
    }
    float[] inv = new float[half];
    for (int j = 0; j < half; j++) {
      // as torch: 1 / base ** (arange(0, d, 2).float() / d), in float32
      float exponent = (float) (2 * j) / (float) hd;
      float power = (float) Math.pow(base, exponent);
      inv[j] = 1f / (ext == null ? power : ext.get(j).floatValue() * power);
    }
    int b = positions.length;
    int t = positions[0].length;
    float[] cos = new float[b * t * hd];
    float[] sin = new float[b * t * hd];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        float p = (float) (positions[i][j] * scale);
        int off = (i * t + j) * hd;
        for (int f = 0; f < half; f++) {
          float angle = p * inv[f];
          float c = (float) Math.cos(angle) * magnitude;
          float sn = (float) Math.sin(angle) * magnitude;
          cos[off + f] = c;
          cos[off + half + f] = c;
          sin[off + f] = sn;
          sin[off + half + f] = sn;
        }
      }
    }
    Shape shape = new Shape(b, 1, t, hd);
    return new NDList(
        batch.create(cos, shape).toDevice(manager.getDevice(), false),
        batch.create(sin, shape).toDevice(manager.getDevice(), false));
  }

  /** {@code x * cos + rotate_half(x) * sin}, rotate_half(x) = concat(-x2, x1). */
  private static NDArray applyRope(NDArray x, NDList rope) {
    NDList halves = x.split(2, 3);
    NDArray rotated = NDArrays.concat(new NDList(halves.get(1).neg(), halves.get(0)), 3);
    return x.mul(rope.get(0)).add(rotated.mul(rope.get(1)));
  }

  /**
   * Builds an additive causal mask: position {@code i} (absolute {@code past + i}) sees keys {@code
   * 0 .. past + i}, minus padded keys; the first {@code bidirectional} positions also see each
   * other (QLLaMA's {@code use_zero_attention_mask}, whose query block is all zero).
   *
   * @param rows batch rows
   * @param t new positions per row
   * @param past cached positions per row
   * @param keep per row, whether each of the {@code past + t} keys is a real token (null: all are)
   * @param bidirectional length of the leading block that is fully visible to itself (0 for none)
   * @return {@code [rows][t * (past + t)]}, 0 where visible, the float minimum where masked
   */
  public static float[][] causalMask(
      int rows, int t, int past, boolean[][] keep, int bidirectional) {
    int s = past + t;
    float[][] out = new float[rows][t * s];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < t; i++) {
        int qi = past + i;
        for (int j = 0; j < s; j++) {
          boolean visible = j <= qi && (keep == null || keep[r][j]);
          if (qi < bidirectional && j < bidirectional) {
            visible = true;
          }
          out[r][i * s + j] = visible ? 0f : MASKED;
        }
      }
    }
    return out;
  }

  /**
   * The weights as the forward pass uses them, by internal name: {@code embed}, per layer {@code
   * i.qkv} (q, k, v rows fused), {@code i.o}, {@code i.gateup} (gate, up fused), {@code i.down},
   * {@code i.norm1}, {@code i.norm2}, in cross-attention layers {@code i.xq}, {@code i.xkv}, {@code
   * i.xo}, {@code i.xnorm1}, {@code i.xnorm2}, in Qwen2 {@code i.qkvbias}; then {@code norm} and
   * {@code head} (absent when the head is tied to {@code embed}). Training updates these arrays in
   * place; they belong to the decoder (do not close them).
   *
   * @return name → weight, in a stable order
   */
  public Map<String, NDArray> parameters() {
    return w.asMap();
  }

  /**
   * The weights under their checkpoint key names (the inverse of loading: q/k/v and gate/up split
   * again, InternLM2's {@code wqkv} regrouped into kv-head blocks), so that {@link #load} reads
   * them back to the same arrays.
   *
   * @param prefix prepended to every key, e.g. {@code "qllama."}
   * @param target the manager that owns the returned arrays
   * @return key → array, in checkpoint order
   */
  public Map<String, NDArray> checkpointWeights(String prefix, NDManager target) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    boolean llama = config.family().llamaKeys();
    long hd = config.headDim();
    long d = config.hiddenSize();
    int heads = config.numAttentionHeads();
    int kvh = config.numKeyValueHeads();
    out.put(
        prefix + (llama ? "model.embed_tokens.weight" : "model.tok_embeddings.weight"),
        copy(w.get("embed"), target));
    for (int i = 0; i < config.numHiddenLayers(); i++) {
      String p = prefix + "model.layers." + i + ".";
      String o = i + ".";
      if (config.family() == DecoderConfig.Family.PHI3) {
        out.put(p + "self_attn.qkv_proj.weight", copy(w.get(o + "qkv"), target));
        out.put(p + "self_attn.o_proj.weight", copy(w.get(o + "o"), target));
        out.put(p + "mlp.gate_up_proj.weight", copy(w.get(o + "gateup"), target));
        out.put(p + "mlp.down_proj.weight", copy(w.get(o + "down"), target));
        out.put(p + "input_layernorm.weight", copy(w.get(o + "norm1"), target));
        out.put(p + "post_attention_layernorm.weight", copy(w.get(o + "norm2"), target));
        continue;
      }
      NDList qkv = w.get(o + "qkv").split(new long[] {heads * hd, (heads + kvh) * hd}, 0);
      NDList gu = w.get(o + "gateup").split(2, 0);
      qkv.attach(target);
      gu.attach(target);
      if (llama) {
        out.put(p + "self_attn.q_proj.weight", qkv.get(0));
        out.put(p + "self_attn.k_proj.weight", qkv.get(1));
        out.put(p + "self_attn.v_proj.weight", qkv.get(2));
        if (w.has(o + "qkvbias")) {
          NDList b = w.get(o + "qkvbias").split(new long[] {heads * hd, (heads + kvh) * hd}, 0);
          b.attach(target);
          out.put(p + "self_attn.q_proj.bias", b.get(0));
          out.put(p + "self_attn.k_proj.bias", b.get(1));
          out.put(p + "self_attn.v_proj.bias", b.get(2));
        }
        out.put(p + "self_attn.o_proj.weight", copy(w.get(o + "o"), target));
        out.put(p + "mlp.gate_proj.weight", gu.get(0));
        out.put(p + "mlp.up_proj.weight", gu.get(1));
        out.put(p + "mlp.down_proj.weight", copy(w.get(o + "down"), target));
        out.put(p + "input_layernorm.weight", copy(w.get(o + "norm1"), target));
        out.put(p + "post_attention_layernorm.weight", copy(w.get(o + "norm2"), target));
        if (config.hasCrossAttention(i)) {
          String x = p + "cross_attn.";
          NDList kv = w.get(o + "xkv").split(2, 0);
          kv.attach(target);
          out.put(x + "q_proj.weight", copy(w.get(o + "xq"), target));
          out.put(x + "k_proj.weight", kv.get(0));
          out.put(x + "v_proj.weight", kv.get(1));
          out.put(x + "o_proj.weight", copy(w.get(o + "xo"), target));
          out.put(x + "norm1.weight", copy(w.get(o + "xnorm1"), target));
          out.put(x + "norm2.weight", copy(w.get(o + "xnorm2"), target));
        }
      } else {
        long g = config.groups();
        NDArray q = qkv.get(0).reshape(kvh, g, hd, d);
        NDArray k = qkv.get(1).reshape(kvh, 1, hd, d);
        NDArray v = qkv.get(2).reshape(kvh, 1, hd, d);
        out.put(
            p + "attention.wqkv.weight",
            NDArrays.concat(new NDList(q, k, v), 1).reshape(kvh * (g + 2) * hd, d));
        out.put(p + "attention.wo.weight", copy(w.get(o + "o"), target));
        out.put(p + "feed_forward.w1.weight", gu.get(0));
        out.put(p + "feed_forward.w3.weight", gu.get(1));
        out.put(p + "feed_forward.w2.weight", copy(w.get(o + "down"), target));
        out.put(p + "attention_norm.weight", copy(w.get(o + "norm1"), target));
        out.put(p + "ffn_norm.weight", copy(w.get(o + "norm2"), target));
      }
    }
    out.put(prefix + "model.norm.weight", copy(w.get("norm"), target));
    if (w.has("head")) {
      out.put(prefix + config.headKey(), copy(w.get("head"), target));
    }
    return out;
  }

  private static NDArray copy(NDArray weight, NDManager target) {
    NDArray c = weight.duplicate();
    c.attach(target);
    return c;
  }

  /**
   * @return the manager that owns the weights
   */
  public NDManager manager() {
    return manager;
  }

  /** Releases the weights. */
  @Override
  public void close() {
    manager.close();
  }
}
