package io.vleval.model.internvl.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.vleval.api.djl.DropPathMasks;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.config.NormType;
import io.vleval.model.internvl.nd.FusedLinear;
import io.vleval.model.internvl.nd.Precision;
import io.vleval.model.internvl.nd.Scalars;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One pre-norm InternViT block with LayerScale: {@code x += drop_path(ls1 * attn(norm1(x)))}, then
 * {@code x += drop_path(ls2 * mlp(norm2(x)))}.
 *
 * <p>Attention is one fused qkv projection whose output is {@code [q | k | v]}, each head-major;
 * with {@code qk_normalization} q and k each go through an RMSNorm over the full width (all heads
 * jointly) before being split into heads; scores are {@code softmax((q * hd^-0.5) k^T)} with no
 * mask. The MLP is {@code fc2(gelu(fc1(x)))} with exact erf GELU. Norms are RMSNorm (weight only)
 * or LayerNorm per {@code norm_type}. Dropout and drop path act only when training. Drop path is
 * applied after the layer scale, as the reference's {@code drop_path1(ls1(attn(norm1(x))))} does; a
 * kept sample's branch is multiplied by {@code 1 / keep}, a dropped one's by 0.
 */
public final class EncoderLayer extends AbstractBlock {

  private static final byte VERSION = 1;

  private final InternVitConfig config;
  private final float dropPath;
  private final Parameter norm1Weight;
  private final Parameter norm1Bias;
  private final Parameter qkvWeight;
  private final Parameter qkvBias;
  private final Parameter qNorm;
  private final Parameter kNorm;
  private final Parameter projWeight;
  private final Parameter projBias;
  private final Parameter fc1Weight;
  private final Parameter fc1Bias;
  private final Parameter fc2Weight;
  private final Parameter fc2Bias;
  private final Parameter norm2Weight;
  private final Parameter norm2Bias;
  private final Parameter ls1;
  private final Parameter ls2;
  private final Map<String, Parameter> named = new LinkedHashMap<>();

  EncoderLayer(InternVitConfig config, float dropPath) {
    super(VERSION);
    this.config = config;
    this.dropPath = dropPath;
    boolean layerNorm = config.normType() == NormType.LAYER_NORM;
    norm1Weight = param("norm1.weight", Parameter.Type.GAMMA);
    norm1Bias = layerNorm ? param("norm1.bias", Parameter.Type.BETA) : null;
    qkvWeight = param("attn.qkv.weight", Parameter.Type.WEIGHT);
    qkvBias = config.qkvBias() ? param("attn.qkv.bias", Parameter.Type.BIAS) : null;
    qNorm = config.qkNormalization() ? param("attn.q_norm.weight", Parameter.Type.GAMMA) : null;
    kNorm = config.qkNormalization() ? param("attn.k_norm.weight", Parameter.Type.GAMMA) : null;
    projWeight = param("attn.proj.weight", Parameter.Type.WEIGHT);
    projBias = param("attn.proj.bias", Parameter.Type.BIAS);
    fc1Weight = param("mlp.fc1.weight", Parameter.Type.WEIGHT);
    fc1Bias = param("mlp.fc1.bias", Parameter.Type.BIAS);
    fc2Weight = param("mlp.fc2.weight", Parameter.Type.WEIGHT);
    fc2Bias = param("mlp.fc2.bias", Parameter.Type.BIAS);
    norm2Weight = param("norm2.weight", Parameter.Type.GAMMA);
    norm2Bias = layerNorm ? param("norm2.bias", Parameter.Type.BETA) : null;
    ls1 = param("ls1", Parameter.Type.GAMMA);
    ls2 = param("ls2", Parameter.Type.GAMMA);
  }

  private Parameter param(String name, Parameter.Type type) {
    Parameter p = addParameter(Params.of(name, type));
    named.put(name, p);
    return p;
  }

  /** Parameters by their HF name without the {@code encoder.layers.N.} prefix. */
  Map<String, Parameter> named() {
    return named;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }

  /**
   * The per-sample factors of stochastic depth for one residual branch: {@code [B, 1, 1]} holding 0
   * (dropped) or {@code 1 / keep} (kept), in the branch's type and on its device, or null when the
   * branch has no drop path in this pass.
   */
  @FunctionalInterface
  interface BranchMask {
    NDArray factors(NDArray branch, DropPathMasks.Branch which);
  }

  /**
   * As the DJL block runs: drop path, when training, at this layer's configured rate with masks
   * from the engine's random generator.
   */
  NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    return apply(ps, x, training, training && dropPath > 0 ? this::engineFactors : null);
  }

  /**
   * One block: {@code x += drop_path(ls1 * attn(norm1(x)))}, then {@code x += drop_path(ls2 *
   * mlp(norm2(x)))}, drop path as {@code mask} gives it (null: none, bitwise the plain residual).
   */
  NDArray apply(ParameterStore ps, NDArray x, boolean training, BranchMask mask) {
    NDArray a = attention(ps, norm(ps, x, norm1Weight, norm1Bias, training), training);
    a = a.mul(Params.value(ps, ls1, x, training));
    x = x.add(dropPath(a, mask, DropPathMasks.Branch.ATTENTION));
    NDArray h = norm(ps, x, norm2Weight, norm2Bias, training);
    h = FusedLinear.apply(h, v(ps, fc1Weight, x, training), v(ps, fc1Bias, x, training));
    h = Activation.gelu(h);
    h = FusedLinear.apply(h, v(ps, fc2Weight, x, training), v(ps, fc2Bias, x, training));
    h = h.mul(Params.value(ps, ls2, x, training));
    return x.add(dropPath(h, mask, DropPathMasks.Branch.MLP));
  }

  private static NDArray v(ParameterStore ps, Parameter p, NDArray like, boolean training) {
    return Params.value(ps, p, like, training);
  }

  private NDArray norm(
      ParameterStore ps, NDArray x, Parameter weight, Parameter bias, boolean training) {
    NDArray w = v(ps, weight, x, training);
    if (config.normType() == NormType.LAYER_NORM) {
      return LayerNorm.layerNorm(
              x,
              new Shape(config.hiddenSize()),
              w,
              v(ps, bias, x, training),
              (float) config.layerNormEps())
          .singletonOrThrow();
    }
    return Precision.rmsNorm(x, w, config.layerNormEps());
  }

  /** {@code [B, N, C]} (head-major channels) to contiguous {@code [B * H, N, hd]}: one copy. */
  private static NDArray heads(NDArray t, long b, long n, long heads, long hd) {
    return t.reshape(b, n, heads, hd).transpose(0, 2, 1, 3).reshape(b * heads, n, hd);
  }

  private NDArray attention(ParameterStore ps, NDArray x, boolean training) {
    Shape s = x.getShape();
    long b = s.get(0);
    long n = s.get(1);
    long c = config.hiddenSize();
    long heads = config.numAttentionHeads();
    long hd = config.headDim();
    NDArray qkv =
        FusedLinear.apply(
            x,
            v(ps, qkvWeight, x, training),
            v(ps, qkvBias, x, training)); // [B, N, 3C]: [q | k | v], each head-major
    NDArray q;
    NDArray k;
    NDArray val;
    if (qNorm != null) {
      NDList parts = qkv.split(3, 2);
      q = Precision.rmsNorm(parts.get(0), v(ps, qNorm, x, training), config.layerNormEps());
      k = Precision.rmsNorm(parts.get(1), v(ps, kNorm, x, training), config.layerNormEps());
      q = heads(q, b, n, heads, hd);
      k = heads(k, b, n, heads, hd);
      val = heads(parts.get(2), b, n, heads, hd);
    } else {
      // one copy brings q, k and v to [3 * B * H, N, hd] (reshape of the permuted view cannot be a
      // view, so PyTorch copies it contiguously); the three are then views of it
      NDList parts =
          qkv.reshape(b, n, 3, heads, hd)
              .transpose(2, 0, 3, 1, 4)
              .reshape(3 * b * heads, n, hd)
              .split(3, 0);
      q = parts.get(0);
      k = parts.get(1);
      val = parts.get(2);
    }
    q = Scalars.mul(q, (float) Math.pow(hd, -0.5));
    // [B * H, N, N]; k's transpose is a view that the batched product reads as transposed, no copy
    NDArray attn = q.matMul(k.transpose(0, 2, 1)).softmax(-1);
    if (training && config.attentionDropout() > 0) {
      attn = Dropout.dropout(attn, (float) config.attentionDropout(), true).singletonOrThrow();
    }
    NDArray out = attn.matMul(val).reshape(b, heads, n, hd).transpose(0, 2, 1, 3).reshape(b, n, c);
    out = FusedLinear.apply(out, v(ps, projWeight, x, training), v(ps, projBias, x, training));
    if (training && config.dropout() > 0) {
      out = Dropout.dropout(out, (float) config.dropout(), true).singletonOrThrow();
    }
    return out;
  }

  /** Stochastic depth (timm's {@code drop_path}): the branch times its per-sample factors. */
  private static NDArray dropPath(NDArray branch, BranchMask mask, DropPathMasks.Branch which) {
    NDArray factors = mask == null ? null : mask.factors(branch, which);
    return factors == null ? branch : branch.mul(factors);
  }

  /**
   * Factors drawn from the engine's random generator at this layer's configured rate: a sample
   * keeps the branch when a uniform draw is below {@code 1 - rate}.
   */
  private NDArray engineFactors(NDArray branch, DropPathMasks.Branch which) {
    float keep = 1 - dropPath;
    NDManager m = branch.getManager();
    NDArray kept =
        m.randomUniform(
                0f,
                1f,
                new Shape(branch.getShape().get(0), 1, 1),
                DataType.FLOAT32,
                branch.getDevice())
            .lt(keep)
            .toType(branch.getDataType(), false);
    // no gradient flows into the factors, so dividing by a Number constant is safe here
    return kept.div(keep);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  public DataType[] getOutputDataTypes() {
    return new DataType[] {DataType.FLOAT32};
  }
}
