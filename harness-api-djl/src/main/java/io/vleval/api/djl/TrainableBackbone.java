package io.vleval.api.djl;

import io.vleval.api.model.BackboneShape;
import io.vleval.api.model.Capability;

/**
 * A model's transformer image backbone, offered for fine-tuning under a task's own head: the
 * paper's third ADE20K setting trains InternViT-6B end to end under UperNet with layer-wise
 * learning-rate decay 0.95 and drop path 0.4. Training happens on a {@link BackboneCopy} that the
 * task owns, so the run's other tasks still see the loaded weights.
 *
 * <p>Recipe for a task (DJL autograd):
 *
 * <ol>
 *   <li>Declare {@code TrainableBackbone.class} among the task's required capabilities; at run time
 *       {@code TrainableBackbone b = model.require(TrainableBackbone.class)}.
 *   <li>Bring images to {@code side x side} and normalize them with {@link #pixelMean()} and {@link
 *       #pixelStd()} into {@code [B, 3, side, side]} float32.
 *   <li>{@code try (BackboneCopy copy = b.copy(side))}: float32 weights of its own on the model's
 *       device, every parameter trainable. Freeze what should not train ({@code
 *       p.parameter().freeze(true)}).
 *   <li>Build the head from DJL blocks initialized in a manager on {@code
 *       copy.manager().getDevice()}. Give each parameter its optimizer settings: for a {@link
 *       BackboneParameter} the learning rate times {@code new LayerDecay(0.95,
 *       depth).lrScale(p.layerId())} and weight decay when {@link BackboneParameter#weightDecay()};
 *       for the head's, {@link LayerDecay#head()} and {@link LayerDecay#appliesWeightDecay}. A DJL
 *       optimizer takes per-parameter learning rates through a {@code ParameterTracker} keyed by
 *       {@code Parameter.getId()}.
 *   <li>Per step, in try-with-resources: {@code NDManager batch = copy.manager().newSubManager()}
 *       and {@code GradientCollector gc = Engine.getInstance().newGradientCollector()}; then {@code
 *       copy.forward(new ParameterStore(batch, false), pixels, blocks, true, DropPath.seeded(0.4,
 *       stepSeed))} (a seed per step, derived from the run's), the head, the loss, {@code
 *       gc.backward(loss)}.
 *   <li>Update every trainable parameter from {@code parameter.getArray().getGradient()} (a new
 *       handle: attach it to the batch's manager or close it) and zero the gradient (DJL's {@code
 *       Optimizer.update} zeroes it on the PyTorch engine). Keep every temporary in the batch's
 *       manager so that nothing outlives the step.
 *   <li>Evaluate with {@code training = false} (drop path off) on the same copy, then close it.
 * </ol>
 *
 * <p>DJL traps on the way: {@code NDArray.mul/div/pow(Number)} free their constant before {@code
 * backward} reads it (multiply by an array the engine owns instead), {@code toType}/{@code
 * toDevice} cut the graph, and {@code toType} to the array's own type returns a view even when
 * asked for a copy ({@code duplicate()} copies).
 */
public interface TrainableBackbone extends Capability {

  /**
   * @return depth, channels, patch size and the input side the backbone was trained at
   */
  BackboneShape shape();

  /**
   * @return the per-channel mean (R, G, B) to subtract from pixel values in {@code [0, 1]}; a new
   *     array
   */
  float[] pixelMean();

  /**
   * @return the per-channel standard deviation (R, G, B) to divide by after the mean; a new array
   */
  float[] pixelStd();

  /**
   * Makes a trainable copy of the backbone for inputs of {@code side x side} pixels. The position
   * embedding is resized once to that side's patch grid (bicubic, as the reference does when it
   * loads a checkpoint into a backbone of another resolution), and the resized table is what
   * trains.
   *
   * @param side the input side in pixels, a positive multiple of the patch size
   * @return the copy, owned by the caller
   * @throws IllegalArgumentException for a side that is not a positive multiple of the patch size
   */
  BackboneCopy copy(int side);
}
