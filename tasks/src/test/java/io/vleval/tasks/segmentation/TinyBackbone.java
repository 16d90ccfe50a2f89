package io.vleval.tasks.segmentation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.vleval.api.djl.BackboneCopy;
import io.vleval.api.djl.BackboneParameter;
import io.vleval.api.djl.DropPath;
import io.vleval.api.djl.DropPathMasks;
import io.vleval.api.djl.LayerDecay;
import io.vleval.api.djl.TrainableBackbone;
import io.vleval.api.model.BackboneShape;
import io.vleval.api.model.Capability;
import io.vleval.api.model.Model;
import io.vleval.api.model.ModelInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A toy {@link TrainableBackbone} for the tasks' tests: a linear patch embedding with class and
 * position embeddings, then blocks {@code x + drop_path(ls * tanh(x W + b))}, with the layer ids
 * and weight-decay flags a real backbone gives (embeddings 0, block {@code i} {@code i + 1}). Its
 * copies start from the same seeded weights and are independent of one another; every array of a
 * pass belongs to the pixels' manager.
 */
public final class TinyBackbone implements TrainableBackbone {
  private final int depth;
  private final int channels;
  private final int patch;
  private final long seed;

  /**
   * @param depth blocks
   * @param channels token channels
   * @param patch patch side in pixels
   * @param seed the seed of the weights
   */
  public TinyBackbone(int depth, int channels, int patch, long seed) {
    this.depth = depth;
    this.channels = channels;
    this.patch = patch;
    this.seed = seed;
  }

  /** A model offering only this backbone, as a {@link TrainableBackbone}. */
  public Model model() {
    TinyBackbone backbone = this;
    return new Model() {
      @Override
      public Set<Class<? extends Capability>> capabilities() {
        return Set.of(TrainableBackbone.class);
      }

      @Override
      public <C extends Capability> Optional<C> capability(Class<C> type) {
        return type == TrainableBackbone.class
            ? Optional.of(type.cast(backbone))
            : Optional.empty();
      }

      @Override
      public ModelInfo info() {
        return new ModelInfo("tiny-backbone", "PyTorch", "cpu");
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public BackboneShape shape() {
    return new BackboneShape(depth, channels, patch, 4 * patch);
  }

  @Override
  public float[] pixelMean() {
    return new float[] {0.485f, 0.456f, 0.406f};
  }

  @Override
  public float[] pixelStd() {
    return new float[] {0.229f, 0.224f, 0.225f};
  }

  @Override
  public BackboneCopy copy(int side) {
    if (side < patch || side % patch != 0) {
      throw new IllegalArgumentException("side " + side + " is not a multiple of " + patch);
    }
    return new Copy(side);
  }

  private final class Copy implements BackboneCopy {
    private final NDManager manager = NDManager.newBaseManager();
    private final List<BackboneParameter> parameters = new ArrayList<>();
    private final int side;
    private final SplittableRandom random = new SplittableRandom(seed);

    Copy(int side) {
      this.side = side;
      int grid = side / patch;
      add(
          "embeddings.patch_embedding.weight",
          0,
          1 / Math.sqrt(3.0 * patch * patch),
          3L * patch * patch,
          channels);
      add("embeddings.patch_embedding.bias", 0, 0.1, channels);
      add("embeddings.class_embedding", 0, 0.2, 1, 1, channels);
      add("embeddings.position_embedding", 0, 0.2, 1, 1 + (long) grid * grid, channels);
      for (int i = 0; i < depth; i++) {
        String b = "encoder.layers." + i + ".";
        add(b + "mlp.weight", LayerDecay.block(i), 1 / Math.sqrt(channels), channels, channels);
        add(b + "mlp.bias", LayerDecay.block(i), 0.1, channels);
        add(b + "ls", LayerDecay.block(i), 0.3, channels);
      }
    }

    private void add(String name, int layerId, double std, long... shape) {
      float[] v = new float[(int) new Shape(shape).size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (std * random.nextGaussian());
      }
      NDArray a = manager.create(v, new Shape(shape));
      a.setRequiresGradient(true);
      Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
      p.setArray(a);
      parameters.add(
          new BackboneParameter(
              name, p, layerId, LayerDecay.appliesWeightDecay(name, a.getShape())));
    }

    private NDArray get(String name) {
      for (BackboneParameter p : parameters) {
        if (p.name().equals(name)) {
          return p.parameter().getArray();
        }
      }
      throw new IllegalArgumentException(name);
    }

    @Override
    public BackboneShape shape() {
      return new BackboneShape(depth, channels, patch, side);
    }

    @Override
    public NDManager manager() {
      return manager;
    }

    @Override
    public List<BackboneParameter> parameters() {
      return parameters;
    }

    @Override
    public List<NDArray> forward(
        ParameterStore store,
        NDArray pixels,
        List<Integer> blocks,
        boolean training,
        DropPath dropPath) {
      Shape s = pixels.getShape();
      long n = s.get(0);
      int grid = side / patch;
      if (s.get(2) != side || s.get(3) != side) {
        throw new IllegalArgumentException("the toy backbone runs at its copy's side only");
      }
      // every operation starts from an array of the pixels' manager, so that its result is there
      NDArray cells =
          pixels
              .reshape(n, 3, grid, patch, grid, patch)
              .transpose(0, 2, 4, 1, 3, 5)
              .reshape(n, (long) grid * grid, 3L * patch * patch);
      NDArray tokens =
          cells
              .matMul(get("embeddings.patch_embedding.weight"))
              .add(get("embeddings.patch_embedding.bias"));
      NDArray cls =
          pixels
              .getManager()
              .zeros(new Shape(n, 1, channels))
              .add(get("embeddings.class_embedding"));
      NDArray x =
          NDArrays.concat(new NDList(cls, tokens), 1).add(get("embeddings.position_embedding"));
      int last = blocks.stream().mapToInt(Integer::intValue).max().orElseThrow();
      List<NDArray> outputs = new ArrayList<>();
      for (int i = 0; i <= last; i++) {
        String b = "encoder.layers." + i + ".";
        NDArray h =
            x.matMul(get(b + "mlp.weight")).add(get(b + "mlp.bias")).tanh().mul(get(b + "ls"));
        float rate = dropPath.blockRate(i, depth);
        if (training && rate > 0) {
          boolean[] keep = dropPath.masks().keep(i, DropPathMasks.Branch.MLP, (int) n, 1.0 - rate);
          float[] scale = new float[(int) n];
          for (int k = 0; k < n; k++) {
            scale[k] = keep[k] ? 1f / (1f - rate) : 0f;
          }
          h = h.mul(pixels.getManager().create(scale, new Shape(n, 1, 1)));
        }
        x = x.add(h);
        outputs.add(x);
      }
      List<NDArray> out = new ArrayList<>();
      for (int b : blocks) {
        out.add(outputs.get(b));
      }
      return out;
    }

    @Override
    public void close() {
      manager.close();
    }
  }
}
