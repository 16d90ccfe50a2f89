package io.vleval.api.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.vleval.api.model.BackboneShape;
import java.util.List;

/**
 * A trainable copy of a model's image backbone, made by {@link TrainableBackbone#copy(int)} and
 * owned by the task that made it: its weights are float32 arrays of its own, so training them
 * leaves the loaded model as it was. Close it to release them.
 *
 * <p>It follows DJL's block protocol: parameters are {@link ai.djl.nn.Parameter}s read through a
 * {@link ParameterStore}, a forward pass inside a {@link ai.djl.training.GradientCollector} records
 * the graph, and {@code backward} leaves each trainable parameter's gradient on its array.
 */
public interface BackboneCopy extends AutoCloseable {

  /**
   * @return depth, channels and patch size of the backbone, and the input side the copy was built
   *     for
   */
  BackboneShape shape();

  /**
   * @return the manager that owns the copy's weights, on the model's device; open each batch's
   *     manager under it
   */
  NDManager manager();

  /**
   * @return every parameter, in checkpoint order, each trainable until frozen ({@code
   *     parameter().freeze(true)})
   */
  List<BackboneParameter> parameters();

  /**
   * Runs the blocks up to the last one requested and returns the requested blocks' outputs,
   * differentiable with respect to the trainable parameters and the pixels.
   *
   * @param parameters the store the parameters are read through; for one device {@code new
   *     ParameterStore(batch, false)}
   * @param pixels normalized pixels {@code [B, 3, H, W]} float32, H and W multiples of the patch
   *     size; at a side other than the copy's the position embedding is interpolated bicubically.
   *     Every array of the pass belongs to its manager
   * @param blocks 0-based blocks, each in {@code [0, depth)}
   * @param training true for a training pass: drop path as {@code dropPath} says (and dropout,
   *     where the backbone's configuration has any); false for inference, where {@code dropPath} is
   *     ignored
   * @param dropPath the stochastic depth of a training pass ({@link DropPath#NONE} for none)
   * @return per requested block, in the order asked, {@code [B, 1 + h*w, C]} float32: the class
   *     token, then the patch tokens row-major, before any final norm (as {@link
   *     io.vleval.api.model.BlockFeatureExtractor} defines them)
   */
  List<NDArray> forward(
      ParameterStore parameters,
      NDArray pixels,
      List<Integer> blocks,
      boolean training,
      DropPath dropPath);

  /** Releases the copy's weights and every array that hangs from its manager. */
  @Override
  void close();
}
