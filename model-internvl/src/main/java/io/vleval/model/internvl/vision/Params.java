package io.vleval.model.internvl.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/** Small helpers shared by the InternViT blocks. */
final class Params {

  private Params() {}

  /**
   * Creates a trainable parameter without shape or array; loading or random initialization sets the
   * array.
   */
  static Parameter of(String name, Parameter.Type type) {
    return Parameter.builder().setName(name).setType(type).optRequiresGrad(true).build();
  }

  /** The parameter's value on the input's device, or null for an absent optional parameter. */
  static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
    return p == null ? null : ps.getValue(p, like.getDevice(), training);
  }

  /**
   * Moves an array that an operation on a parameter produced (and so placed in the parameters'
   * manager) into the batch's manager, so that it is released with the batch.
   */
  static NDArray own(NDArray derived, NDManager batch) {
    derived.attach(batch);
    return derived;
  }
}
