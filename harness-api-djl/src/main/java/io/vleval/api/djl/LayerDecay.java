package io.vleval.api.djl;

import ai.djl.ndarray.types.Shape;

/**
 * Layer-wise learning-rate decay as InternVL's segmentation fine-tuning sets up its optimizer (its
 * {@code CustomLayerDecayOptimizerConstructor}, taken from BEiT): every parameter has a layer id,
 * the embeddings (patch, class and position) 0, block {@code i} {@code i + 1}, everything else (the
 * task's head, and any neck) {@code depth + 1}; a parameter of layer id {@code l} trains with the
 * learning rate times {@code rate^(depth + 1 - l)}, so the head trains at the full rate and each
 * block below it at {@code rate} times the rate of the block above.
 *
 * <p>The reference's weight-decay rule goes with it ({@link #appliesWeightDecay}): no weight decay
 * for one-dimensional parameters (norm gains, layer scales) and biases, the configured decay for
 * everything else. Its test of the class and position embeddings' names never matches (the names it
 * tests carry the model's {@code backbone.} prefix), so those, being three-dimensional, do decay;
 * the same holds here.
 *
 * @param rate the decay per layer, {@code layer_decay_rate} (the paper's full tuning: 0.95)
 * @param depth the backbone's number of blocks, {@code num_layers}
 */
public record LayerDecay(double rate, int depth) {

  /** The layer id of the embeddings (patch, class and position). */
  public static final int EMBEDDINGS = 0;

  /**
   * Checks the arguments.
   *
   * @throws IllegalArgumentException for a rate outside {@code (0, 1]} or a depth below 1
   */
  public LayerDecay {
    if (!(rate > 0 && rate <= 1)) {
      throw new IllegalArgumentException("layer decay rate " + rate + " is outside (0, 1]");
    }
    if (depth < 1) {
      throw new IllegalArgumentException("depth " + depth + " is below 1");
    }
  }

  /**
   * @param index a 0-based block
   * @return the block's layer id, {@code index + 1}
   */
  public static int block(int index) {
    return index + 1;
  }

  /**
   * @return the layer id of every parameter outside the backbone (the task's head), {@code depth +
   *     1}
   */
  public int head() {
    return depth + 1;
  }

  /**
   * The factor of the learning rate for a layer id.
   *
   * @param layerId 0 ({@link #EMBEDDINGS}) to {@link #head()}
   * @return {@code rate^(depth + 1 - layerId)}
   */
  public double lrScale(int layerId) {
    if (layerId < 0 || layerId > head()) {
      throw new IllegalArgumentException("layer id " + layerId + " is outside 0.." + head());
    }
    return Math.pow(rate, depth + 1 - layerId);
  }

  /**
   * The reference's weight-decay rule, for a parameter of the backbone or of a head.
   *
   * @param name the parameter's name (a head's own naming will do: only a {@code .bias} suffix
   *     counts)
   * @param shape its shape
   * @return false for one-dimensional parameters and biases, true otherwise
   */
  public static boolean appliesWeightDecay(String name, Shape shape) {
    return !(shape.dimension() == 1 || name.endsWith(".bias"));
  }
}
