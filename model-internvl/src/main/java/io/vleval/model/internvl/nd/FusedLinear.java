package io.vleval.model.internvl.nd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

/**
 * {@code x W^T + b} the way PyTorch's Python {@code nn.Linear} computes it, not the way DJL's
 * {@code Linear.linear} does.
 *
 * <p>DJL calls the C++ frontend's {@code torch::nn::functional::linear}, which fuses the bias into
 * one {@code addmm} only for 2-D input; for {@code [B, N, C]} it runs {@code matmul} and then adds
 * the bias. The reference models run {@code aten::linear}, which flattens a contiguous input to 2-D
 * and uses {@code addmm}. In float32 the two differ in the last bit; in float16 the product is
 * rounded to half precision before the bias is added, so over a quarter of the outputs of a layer
 * are one float16 step away from the reference's. Flattening here gives the reference's single
 * rounding (and the fused kernel).
 */
public final class FusedLinear {

  private FusedLinear() {}

  /**
   * @param x input {@code [..., in]}
   * @param weight {@code [out, in]}
   * @param bias {@code [out]}, or null
   * @return {@code [..., out]}, in the manager of {@code x}
   */
  public static NDArray apply(NDArray x, NDArray weight, NDArray bias) {
    Shape shape = x.getShape();
    if (bias == null || shape.dimension() == 2) {
      // no bias: both are one matrix product; 2-D: DJL's call is already addmm
      return Linear.linear(x, weight, bias).singletonOrThrow();
    }
    long in = shape.get(shape.dimension() - 1);
    NDArray flat = Linear.linear(x.reshape(-1, in), weight, bias).singletonOrThrow();
    long[] out = shape.getShape().clone(); // getShape() hands out the array the Shape keeps
    out[out.length - 1] = weight.getShape().get(0);
    return flat.reshape(out);
  }
}
