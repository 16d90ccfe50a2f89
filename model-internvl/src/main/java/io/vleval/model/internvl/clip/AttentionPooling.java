package io.vleval.model.internvl.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import io.vleval.model.internvl.checkpoint.Weights;
import io.vleval.model.internvl.nd.FusedLinear;
import io.vleval.model.internvl.nd.Scalars;
import io.vleval.model.internvl.safetensors.TensorSource;
import io.vleval.model.internvl.vision.TensorMismatch;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * InternVL's {@code AttentionPoolingBlock} ({@code clip_projector}, {@code clip_projector2}): the
 * query is the mean over all tokens (CLS included), normalized by {@code norm1_q}; keys and values
 * are the tokens normalized by {@code norm1_k} / {@code norm1_v} (three LayerNorms, eps 1e-5); q,
 * k, v are bias-free projections plus separate {@code q_bias}/{@code k_bias}/{@code v_bias};
 * multi-head attention with scale {@code hd^-0.5}; {@code proj} maps to the embedding width. No
 * residual.
 */
public final class AttentionPooling {

  private static final float EPS = 1e-5f;

  private final int width;
  private final int heads;
  private final Weights w;

  private AttentionPooling(int width, int heads, Weights w) {
    this.width = width;
    this.heads = heads;
    this.w = w;
  }

  /**
   * The parameter table.
   *
   * @param width the token width D
   * @param out the embedding width
   * @return key → shape
   */
  public static Map<String, long[]> parameterShapes(int width, int out) {
    Map<String, long[]> m = new LinkedHashMap<>();
    for (String n : new String[] {"norm1_q", "norm1_k", "norm1_v"}) {
      m.put(n + ".weight", new long[] {width});
      m.put(n + ".bias", new long[] {width});
    }
    for (String n : new String[] {"q", "k", "v"}) {
      m.put("cross_attn." + n + ".weight", new long[] {width, width});
      m.put("cross_attn." + n + "_bias", new long[] {width});
    }
    m.put("cross_attn.proj.weight", new long[] {out, width});
    m.put("cross_attn.proj.bias", new long[] {out});
    return m;
  }

  /**
   * Compares the block's tensors under {@code prefix} with its shapes, loading nothing.
   *
   * @param tensors the checkpoint
   * @param prefix e.g. {@code "clip_projector."}
   * @param width the token width
   * @param out the embedding width
   * @return the missing, unexpected and mis-shaped keys
   */
  public static TensorMismatch check(TensorSource tensors, String prefix, int width, int out) {
    return Weights.check(tensors, prefix, parameterShapes(width, out), k -> false);
  }

  /**
   * Loads the block.
   *
   * @param tensors the checkpoint
   * @param prefix e.g. {@code "clip_projector."}
   * @param width the token width
   * @param out the embedding width
   * @param heads the head count
   * @param manager owner of the weights
   * @return the block
   */
  public static AttentionPooling load(
      TensorSource tensors, String prefix, int width, int out, int heads, NDManager manager) {
    return new AttentionPooling(
        width,
        heads,
        Weights.load(
            tensors,
            prefix,
            parameterShapes(width, out),
            k -> false,
            "the attention pooling '" + prefix + "'",
            manager));
  }

  /**
   * Builds the block with seeded random weights.
   *
   * @param width the token width
   * @param out the embedding width
   * @param heads the head count
   * @param seed the seed
   * @param manager owner of the weights
   * @return the block
   */
  public static AttentionPooling random(
      int width, int out, int heads, long seed, NDManager manager) {
    return new AttentionPooling(
        width, heads, Weights.random(parameterShapes(width, out), seed, 0.02, manager));
  }

  /**
   * Pools tokens into one vector each.
   *
   * @param x tokens {@code [B, N, D]}; the result belongs to its manager
   * @return {@code [B, out]}
   */
  public NDArray forward(NDArray x) {
    long b = x.getShape().get(0);
    long n = x.getShape().get(1);
    long hd = width / heads;
    NDArray query = x.mean(new int[] {1}, true);
    NDArray q =
        FusedLinear.apply(
                norm(query, "norm1_q"), w.get("cross_attn.q.weight"), w.get("cross_attn.q_bias"))
            .reshape(b, 1, heads, hd)
            .transpose(0, 2, 1, 3);
    NDArray k =
        FusedLinear.apply(
                norm(x, "norm1_k"), w.get("cross_attn.k.weight"), w.get("cross_attn.k_bias"))
            .reshape(b, n, heads, hd)
            .transpose(0, 2, 3, 1);
    NDArray v =
        FusedLinear.apply(
                norm(x, "norm1_v"), w.get("cross_attn.v.weight"), w.get("cross_attn.v_bias"))
            .reshape(b, n, heads, hd)
            .transpose(0, 2, 1, 3);
    NDArray attn = Scalars.mul(q, (float) Math.pow(hd, -0.5)).matMul(k).softmax(-1);
    NDArray out = attn.matMul(v).transpose(0, 2, 1, 3).reshape(b, width);
    return FusedLinear.apply(out, w.get("cross_attn.proj.weight"), w.get("cross_attn.proj.bias"));
  }

  /**
   * Casts the weights to a compute type.
   *
   * @param dtype float32 or float16
   */
  public void cast(DataType dtype) {
    w.cast(dtype, Set.of());
  }

  /**
   * The block's weights by checkpoint key (no prefix); training updates them in place.
   *
   * @return key → weight (owned by the model; do not close)
   */
  public Map<String, NDArray> weights() {
    return w.asMap();
  }

  private NDArray norm(NDArray x, String name) {
    return LayerNorm.layerNorm(
            x, new Shape(width), w.get(name + ".weight"), w.get(name + ".bias"), EPS)
        .singletonOrThrow();
  }
}
