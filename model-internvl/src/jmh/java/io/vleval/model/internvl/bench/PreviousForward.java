package io.vleval.model.internvl.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.config.NormType;
import io.vleval.model.internvl.nd.Scalars;
import io.vleval.model.internvl.vision.InternVit;
import java.util.Map;

/**
 * The InternViT inference forward as the encoder layer computed it before its attention was
 * reorganized, kept only as the benchmark's point of comparison: q, k and v are 4-d head views of
 * the qkv output that the products copy, {@code k} is transposed as a 4-d view, and the layer scale
 * and residual make new arrays. Reads the weights of an {@link InternVit} (LayerNorm, no QK-norm,
 * the pre-training grid), so both run on the same values.
 */
final class PreviousForward {

  private final InternVitConfig config;
  private final Map<String, NDArray> w;

  PreviousForward(InternVit vit) {
    config = vit.config();
    if (config.normType() != NormType.LAYER_NORM || config.qkNormalization()) {
      throw new IllegalArgumentException("the previous forward is kept for LayerNorm, no QK-norm");
    }
    w = vit.weights();
  }

  /** The last hidden state {@code [B, 1 + h*w, C]} of pixels at the configured image size. */
  NDArray forward(NDArray pixels) {
    int p = config.patchSize();
    NDArray patches =
        Conv2d.conv2d(
                pixels,
                w.get("embeddings.patch_embedding.weight"),
                w.get("embeddings.patch_embedding.bias"),
                new Shape(p, p),
                new Shape(0, 0),
                new Shape(1, 1),
                1)
            .singletonOrThrow();
    Shape s = patches.getShape();
    long b = s.get(0);
    long c = s.get(1);
    NDArray tokens = patches.reshape(b, c, s.get(2) * s.get(3)).transpose(0, 2, 1);
    NDArray cls = w.get("embeddings.class_embedding").broadcast(new Shape(b, 1, c));
    cls.attach(pixels.getManager());
    NDArray x =
        NDArrays.concat(new NDList(cls, tokens), 1).add(w.get("embeddings.position_embedding"));
    for (int i = 0; i < config.numHiddenLayers(); i++) {
      x = layer(x, "encoder.layers." + i + ".");
    }
    return x;
  }

  private NDArray layer(NDArray x, String k) {
    NDArray a = attention(norm(x, k + "norm1."), k);
    x = x.add(a.mul(w.get(k + "ls1")));
    NDArray h = norm(x, k + "norm2.");
    h = Linear.linear(h, w.get(k + "mlp.fc1.weight"), w.get(k + "mlp.fc1.bias")).singletonOrThrow();
    h = Activation.gelu(h);
    h = Linear.linear(h, w.get(k + "mlp.fc2.weight"), w.get(k + "mlp.fc2.bias")).singletonOrThrow();
    return x.add(h.mul(w.get(k + "ls2")));
  }

  private NDArray norm(NDArray x, String k) {
    return LayerNorm.layerNorm(
            x,
            new Shape(config.hiddenSize()),
            w.get(k + "weight"),
            w.get(k + "bias"),
            (float) config.layerNormEps())
        .singletonOrThrow();
  }

  private NDArray attention(NDArray x, String k) {
    Shape s = x.getShape();
    long b = s.get(0);
    long n = s.get(1);
    long c = config.hiddenSize();
    long heads = config.numAttentionHeads();
    long hd = config.headDim();
    NDArray qkv =
        Linear.linear(x, w.get(k + "attn.qkv.weight"), w.get(k + "attn.qkv.bias"))
            .singletonOrThrow();
    NDList parts = qkv.split(3, 2);
    NDArray q =
        Scalars.mul(
            parts.get(0).reshape(b, n, heads, hd).transpose(0, 2, 1, 3), Math.pow(hd, -0.5));
    NDArray kt = parts.get(1).reshape(b, n, heads, hd).transpose(0, 2, 3, 1);
    NDArray v = parts.get(2).reshape(b, n, heads, hd).transpose(0, 2, 1, 3);
    NDArray out = q.matMul(kt).softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, n, c);
    return Linear.linear(out, w.get(k + "attn.proj.weight"), w.get(k + "attn.proj.bias"))
        .singletonOrThrow();
  }
}
