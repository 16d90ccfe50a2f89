package io.vleval.model.internvl.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.nd.Precision;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * InternViT's input stage: a stride-{@code patch} convolution turns pixels {@code [B, 3, H, W]}
 * into patch tokens, the class embedding is prepended, and the position embedding is added,
 * bicubically resized (PyTorch semantics, CLS slot untouched) whenever the patch grid differs from
 * the pre-training grid. Output: {@code [B, 1 + h*w, C]}.
 */
public final class VisionEmbeddings extends AbstractBlock {

  private static final byte VERSION = 1;

  private final InternVitConfig config;
  private final Parameter classEmbedding;
  private final Parameter patchWeight;
  private final Parameter patchBias;
  private final Parameter positionEmbedding;

  VisionEmbeddings(InternVitConfig config) {
    super(VERSION);
    this.config = config;
    classEmbedding = addParameter(Params.of("class_embedding", Parameter.Type.OTHER));
    patchWeight = addParameter(Params.of("patch_embedding.weight", Parameter.Type.WEIGHT));
    patchBias = addParameter(Params.of("patch_embedding.bias", Parameter.Type.BIAS));
    positionEmbedding = addParameter(Params.of("position_embedding", Parameter.Type.OTHER));
  }

  /** Parameters by their HF name without the {@code embeddings.} prefix. */
  Map<String, Parameter> named() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    m.put("class_embedding", classEmbedding);
    m.put("patch_embedding.weight", patchWeight);
    m.put("patch_embedding.bias", patchBias);
    m.put("position_embedding", positionEmbedding);
    return m;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(embed(ps, inputs.singletonOrThrow(), training));
  }

  NDArray embed(ParameterStore ps, NDArray pixels, boolean training) {
    NDManager batch = pixels.getManager();
    int p = config.patchSize();
    NDArray w = Params.value(ps, patchWeight, pixels, training);
    NDArray b = Params.value(ps, patchBias, pixels, training);
    NDArray patches =
        Conv2d.conv2d(pixels, w, b, new Shape(p, p), new Shape(0, 0), new Shape(1, 1), 1)
            .singletonOrThrow(); // [B, C, h, w]
    Shape s = patches.getShape();
    long batchSize = s.get(0);
    long c = s.get(1);
    int h = (int) s.get(2);
    int wd = (int) s.get(3);
    NDArray tokens = patches.reshape(batchSize, c, (long) h * wd).transpose(0, 2, 1);
    NDArray cls =
        Params.own(
            Params.value(ps, classEmbedding, pixels, training)
                .broadcast(new Shape(batchSize, 1, c)),
            batch);
    NDArray x = NDArrays.concat(new NDList(cls, tokens), 1);
    return x.add(position(ps, pixels, training, h, wd, batch));
  }

  /**
   * The position embedding for an h × w grid, [1, 1 + h*w, C]; derived arrays belong to {@code
   * batch}.
   */
  NDArray position(
      ParameterStore ps, NDArray like, boolean training, int h, int w, NDManager batch) {
    NDArray pos = Params.value(ps, positionEmbedding, like, training);
    int n = config.gridSize();
    if (h == n && w == n) {
      return pos;
    }
    long c = config.hiddenSize();
    NDArray clsPos = Params.own(pos.get(":, :1, :"), batch);
    // resized in float32 and cast back, as the reference's pos_embed.float() ... .to(dtype)
    // own the view before casting: the cast of a weight's view would stay in the model's manager
    NDArray grid =
        Precision.toFloat32(Params.own(pos.get(":, 1:, :"), batch))
            .reshape(n, n, c); // [row, col, C]
    NDArray ww =
        batch
            .create(BicubicInterpolation.weights(n, w), new Shape(w, n))
            .toDevice(like.getDevice(), false);
    NDArray wh =
        batch
            .create(BicubicInterpolation.weights(n, h), new Shape(h, n))
            .toDevice(like.getDevice(), false);
    NDArray cols = ww.matMul(grid); // [n, w, C]: along x first, as PyTorch's separable kernel does
    NDArray resized =
        Precision.cast(
            wh.matMul(cols.reshape(n, w * c)).reshape(1, (long) h * w, c), pos.getDataType());
    return NDArrays.concat(new NDList(clsPos, resized), 1);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    long tokens = 1 + (in.get(2) / config.patchSize()) * (in.get(3) / config.patchSize());
    return new Shape[] {new Shape(in.get(0), tokens, config.hiddenSize())};
  }

  @Override
  public DataType[] getOutputDataTypes() {
    return new DataType[] {DataType.FLOAT32};
  }
}
