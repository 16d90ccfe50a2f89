package io.vleval.api.djl;

import ai.djl.nn.Parameter;
import java.util.Objects;

/**
 * One trainable parameter of a {@link BackboneCopy}, with what an optimizer needs to treat it as
 * the reference does.
 *
 * @param name the parameter's name in the model's checkpoint layout (for InternViT the HuggingFace
 *     names: {@code embeddings.class_embedding}, {@code encoder.layers.3.attn.qkv.weight}, ...)
 * @param parameter the DJL parameter; its array is the weight, its id keys per-parameter optimizer
 *     state (DJL's {@code Optimizer.update(id, weight, grad)}), and {@code freeze(true)} takes it
 *     out of training
 * @param layerId its layer id for {@link LayerDecay}: 0 for the embeddings, {@code i + 1} for block
 *     {@code i}
 * @param weightDecay whether weight decay applies to it ({@link LayerDecay#appliesWeightDecay})
 */
public record BackboneParameter(
    String name, Parameter parameter, int layerId, boolean weightDecay) {

  /** Checks that the name and parameter are there. */
  public BackboneParameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(parameter, "parameter");
    if (layerId < 0) {
      throw new IllegalArgumentException(name + ": layer id " + layerId + " is negative");
    }
  }
}
