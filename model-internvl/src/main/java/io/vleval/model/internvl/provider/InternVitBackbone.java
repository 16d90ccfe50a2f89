package io.vleval.model.internvl.provider;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.vleval.api.djl.BackboneCopy;
import io.vleval.api.djl.BackboneParameter;
import io.vleval.api.djl.DropPath;
import io.vleval.api.djl.LayerDecay;
import io.vleval.api.djl.TrainableBackbone;
import io.vleval.api.model.BackboneShape;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.vision.InternVit;
import io.vleval.preprocess.ImageTransform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * InternViT as a {@link TrainableBackbone}: copies of the loaded model's InternViT (alone, or the
 * vision tower of InternVL-C/-G) in float32, with the reference's layer ids (embeddings 0, block
 * {@code i} {@code i + 1}) and weight-decay rule on its parameters, and its blocks' outputs under
 * autograd with drop path.
 */
final class InternVitBackbone implements TrainableBackbone {

  private static final Pattern LAYER = Pattern.compile("encoder\\.layers\\.(\\d+)\\..*");

  private final InternVit vit;
  private final int inputSize;

  /**
   * @param vit the loaded model's InternViT, never modified
   * @param inputSize the input side the model runs at ({@code image_size}, or the spec's override)
   */
  InternVitBackbone(InternVit vit, int inputSize) {
    this.vit = vit;
    this.inputSize = inputSize;
  }

  @Override
  public BackboneShape shape() {
    InternVitConfig c = vit.config();
    return new BackboneShape(c.numHiddenLayers(), c.hiddenSize(), c.patchSize(), inputSize);
  }

  @Override
  public float[] pixelMean() {
    return ImageTransform.imagenet(ImageTransform.Mode.SQUARE, inputSize).mean();
  }

  @Override
  public float[] pixelStd() {
    return ImageTransform.imagenet(ImageTransform.Mode.SQUARE, inputSize).std();
  }

  @Override
  public BackboneCopy copy(int side) {
    return new Copy(vit.trainableCopy(side));
  }

  /**
   * The reference's layer id of an InternViT parameter (HF name): 0 for the embeddings, {@code i +
   * 1} for {@code encoder.layers.i.*}.
   *
   * @param name a canonical InternViT key
   * @return its layer id
   */
  static int layerId(String name) {
    if (name.startsWith("embeddings.")) {
      return LayerDecay.EMBEDDINGS;
    }
    Matcher m = LAYER.matcher(name);
    if (!m.matches()) {
      throw new IllegalArgumentException("not an InternViT parameter: " + name);
    }
    return LayerDecay.block(Integer.parseInt(m.group(1)));
  }

  /** A float32 copy of the InternViT, owned by the task that made it. */
  private static final class Copy implements BackboneCopy {
    private final InternVit vit;
    private final List<BackboneParameter> parameters;

    Copy(InternVit vit) {
      this.vit = vit;
      List<BackboneParameter> list = new ArrayList<>();
      for (Map.Entry<String, Parameter> e : vit.namedParameters().entrySet()) {
        Shape shape = e.getValue().getArray().getShape();
        list.add(
            new BackboneParameter(
                e.getKey(),
                e.getValue(),
                layerId(e.getKey()),
                LayerDecay.appliesWeightDecay(e.getKey(), shape)));
      }
      parameters = List.copyOf(list);
    }

    @Override
    public BackboneShape shape() {
      InternVitConfig c = vit.config();
      return new BackboneShape(c.numHiddenLayers(), c.hiddenSize(), c.patchSize(), c.imageSize());
    }

    @Override
    public NDManager manager() {
      return vit.manager();
    }

    @Override
    public List<BackboneParameter> parameters() {
      return parameters;
    }

    @Override
    public List<NDArray> forward(
        ParameterStore parameters,
        NDArray pixels,
        List<Integer> blocks,
        boolean training,
        DropPath dropPath) {
      if (pixels.getDataType() != DataType.FLOAT32) {
        throw new IllegalArgumentException("pixels must be float32, got " + pixels.getDataType());
      }
      int[] wanted = blocks.stream().mapToInt(Integer::intValue).toArray();
      return vit.blockOutputs(parameters, pixels, wanted, training, dropPath);
    }

    @Override
    public void close() {
      vit.close();
    }
  }
}
