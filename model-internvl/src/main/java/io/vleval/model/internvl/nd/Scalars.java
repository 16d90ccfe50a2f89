package io.vleval.model.internvl.nd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.BinaryOperator;

/**
 * Arithmetic between an array and a constant that stays correct under autograd.
 *
 * <p>DJL's {@code NDArray.mul(Number)} (and {@code div}, {@code pow}, {@code maximum}, {@code
 * minimum}, ... and {@code Activation.swish(x, beta)}, which calls {@code mul(Number)}) wraps the
 * constant in a 0-d tensor, applies the tensor op and closes the constant at once. On the CPU the
 * PyTorch engine creates that tensor with {@code torch::from_blob} over a direct {@code ByteBuffer}
 * that only the Java array keeps alive; the tensor does not own its memory. When the array takes
 * part in autograd, the backward node keeps the constant tensor (the gradient of {@code x * c} is
 * {@code g * c}, of {@code x / c} is {@code g / c}, of {@code max(x, c)} needs {@code c}) — but
 * once the closed Java array is garbage-collected its buffer is freed, and a backward that runs
 * after a GC reads freed memory: wrong or NaN gradients, on random steps, with a finite loss,
 * differently in every JVM (the GC's timing decides), while the forward pass — and so the first
 * loss — is always right.
 *
 * <p>These helpers make the constant with {@code NDManager.full}, which PyTorch allocates and owns,
 * so the graph's reference keeps it alive; the values are bitwise those of the DJL methods. Use
 * them (never the {@code Number} overloads of multiplicative ops) for anything that can be
 * back-propagated. {@code add(Number)} and {@code sub(Number)} are safe: their backward does not
 * read the constant.
 */
public final class Scalars {

  private Scalars() {}

  /**
   * @param x an array
   * @param c a constant
   * @return {@code x * c}, in the manager of {@code x}
   */
  public static NDArray mul(NDArray x, double c) {
    return apply(x, c, NDArray::mul);
  }

  /**
   * @param x an array
   * @param c a constant
   * @return {@code x / c}, in the manager of {@code x}
   */
  public static NDArray div(NDArray x, double c) {
    return apply(x, c, NDArray::div);
  }

  /**
   * @param x an array
   * @param c a constant
   * @return {@code max(x, c)} elementwise, in the manager of {@code x}
   */
  public static NDArray maximum(NDArray x, double c) {
    return apply(x, c, NDArray::maximum);
  }

  /**
   * SiLU, {@code x / (1 + exp(-x))}, as PyTorch's {@code F.silu} kernel computes it: in float32 and
   * rounded once when {@code x} is float16 (not for autograd, where DJL's {@code toType} would cut
   * the graph: there in the array's own type). DJL has no SiLU of its own, and {@code
   * Activation.swish} multiplies by beta through {@code mul(Number)}.
   *
   * @param x an array
   * @return {@code silu(x)}, in the type and manager of {@code x}
   */
  public static NDArray silu(NDArray x) {
    if (x.getDataType() == DataType.FLOAT16 && !x.hasGradient()) {
      return Precision.cast(siluOf(Precision.toFloat32(x)), DataType.FLOAT16);
    }
    return siluOf(x);
  }

  private static NDArray siluOf(NDArray x) {
    return x.div(x.neg().exp().add(1f));
  }

  private static NDArray apply(NDArray x, double c, BinaryOperator<NDArray> op) {
    try (NDArray k = constant(x, c)) {
      return op.apply(x, k);
    }
  }

  /**
   * A 0-d constant of {@code x}'s type and device that PyTorch owns (not a view of a Java buffer).
   */
  private static NDArray constant(NDArray x, double c) {
    // a half-precision array's constant is float32: PyTorch then computes x op c in float32 and
    // rounds once, as it does for a Python number (a float16 constant would round c first)
    DataType type = x.getDataType() == DataType.FLOAT16 ? DataType.FLOAT32 : x.getDataType();
    NDArray k = x.getManager().full(new Shape(), (float) c, type);
    if (!k.getDevice().equals(x.getDevice())) {
      NDArray moved = k.toDevice(x.getDevice(), false);
      k.close();
      return moved;
    }
    return k;
  }
}
