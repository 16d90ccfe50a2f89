package io.vleval.api.djl;

import ai.djl.ndarray.NDArray;

/**
 * In-place updates of a trainable parameter, as an optimizer makes them under PyTorch's {@code
 * torch.no_grad()}: through the parameter's detached view, which shares its storage, so autograd
 * neither records the update nor refuses it ("a leaf Variable that requires grad is being used in
 * an in-place operation") whatever the calling thread's grad mode.
 *
 * <p>PyTorch keeps grad mode per thread and starts every thread with it on; DJL turns it off only
 * on the thread that starts the engine. Training code that may run on any thread (a Spark task, a
 * thread pool) therefore updates its parameters here instead of with {@code subi}/{@code muli} on
 * the parameter itself. The deltas must not require gradients themselves: compute them from
 * gradients, optimizer state or {@link #values} of parameters.
 */
public final class ParameterUpdate {

  private ParameterUpdate() {}

  /** {@code parameter -= delta}, in place. */
  public static void subtract(NDArray parameter, NDArray delta) {
    try (NDArray data = parameter.stopGradient()) {
      data.subi(delta);
    }
  }

  /** {@code parameter *= factor}, in place (decoupled weight decay). */
  public static void scale(NDArray parameter, Number factor) {
    try (NDArray data = parameter.stopGradient()) {
      data.muli(factor);
    }
  }

  /**
   * The parameter's values outside autograd, for an update computed from them (weight decay): a
   * view that shares its storage, owned by {@code parameter}'s manager unless attached elsewhere.
   */
  public static NDArray values(NDArray parameter) {
    return parameter.stopGradient();
  }
}
