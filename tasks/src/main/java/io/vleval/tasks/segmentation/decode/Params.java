package io.vleval.tasks.segmentation.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vleval.tasks.training.AdamW;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A head's parameters and buffers (BatchNorm running statistics) under the reference's {@code
 * state_dict} names ({@code decode_head.conv_seg.weight}, {@code backbone.up1.0.weight}, ...), so
 * that weights can be loaded from and compared with the reference by name. Everything lives in one
 * manager, closed with the head.
 */
public final class Params implements AutoCloseable {
  private final NDManager manager;
  private final SplittableRandom random;
  private final Map<String, NDArray> params = new LinkedHashMap<>();
  private final Map<String, NDArray> buffers = new LinkedHashMap<>();

  /**
   * @param parent the manager whose sub-manager holds the arrays
   * @param seed the seed of the initial values
   */
  public Params(NDManager parent, long seed) {
    this.manager = parent.newSubManager();
    this.random = new SplittableRandom(seed);
  }

  NDManager manager() {
    return manager;
  }

  /** A trainable parameter of N(0, std) values. */
  NDArray normal(String name, double std, long... shape) {
    float[] v = new float[(int) new Shape(shape).size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (std * gaussian());
    }
    return param(name, manager.create(v, new Shape(shape)));
  }

  /** A trainable parameter filled with {@code value}. */
  NDArray constant(String name, float value, long... shape) {
    return param(name, manager.full(new Shape(shape), value));
  }

  private NDArray param(String name, NDArray a) {
    a.setRequiresGradient(true);
    if (params.putIfAbsent(name, a) != null) {
      throw new IllegalStateException("parameter " + name + " defined twice");
    }
    return a;
  }

  /**
   * A buffer (no gradient, updated in place, e.g. running statistics) filled with {@code value}.
   */
  void buffer(String name, float value, long... shape) {
    buffers.put(name, manager.full(new Shape(shape), value));
  }

  NDArray get(String name) {
    NDArray a = params.get(name);
    if (a == null) {
      a = buffers.get(name);
    }
    if (a == null) {
      throw new IllegalStateException("no parameter or buffer " + name);
    }
    return a;
  }

  /**
   * Lends every parameter and buffer to {@code scope} until it closes, so that the arrays computed
   * from them during a step are the step's and close with it.
   */
  public void lendTo(NDManager scope) {
    for (NDArray a : params.values()) {
      scope.tempAttachAll(a);
    }
    for (NDArray a : buffers.values()) {
      scope.tempAttachAll(a);
    }
  }

  private double gaussian() {
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Every trainable parameter, by name, in definition order. */
  public Map<String, NDArray> parameters() {
    return Collections.unmodifiableMap(params);
  }

  /** Every buffer, by name. */
  public Map<String, NDArray> buffers() {
    return Collections.unmodifiableMap(buffers);
  }

  /**
   * Overwrites parameters and buffers from values by name; every name must exist with the same
   * number of values.
   */
  public void load(Map<String, float[]> values) {
    for (Map.Entry<String, float[]> e : values.entrySet()) {
      NDArray target = get(e.getKey());
      if (target.getShape().size() != e.getValue().length) {
        throw new IllegalArgumentException(
            e.getKey() + " has " + target.getShape() + ", got " + e.getValue().length + " values");
      }
      target.set(e.getValue());
    }
  }

  /**
   * The optimiser groups of InternVL's {@code CustomLayerDecayOptimizerConstructor} for the head (a
   * layer-decay rate of 1 leaves every head parameter at the base rate): 1-d tensors and biases
   * without weight decay, the rest with {@code weightDecay}.
   */
  public List<AdamW.Group> groups(double weightDecay) {
    List<NDArray> decay = new ArrayList<>();
    List<NDArray> noDecay = new ArrayList<>();
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      boolean exempt = e.getValue().getShape().dimension() == 1 || e.getKey().endsWith(".bias");
      (exempt ? noDecay : decay).add(e.getValue());
    }
    return List.of(new AdamW.Group(decay, weightDecay), new AdamW.Group(noDecay, 0));
  }

  @Override
  public void close() {
    manager.close();
  }
}
