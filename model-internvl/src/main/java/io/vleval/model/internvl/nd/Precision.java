package io.vleval.model.internvl.nd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;

/**
 * The compute type of a model and the casts around it, as the reference does them in half
 * precision.
 *
 * <p>Weights are decoded to float32 on load and then cast once to the compute type. Inputs are cast
 * to it at the model's entry; callers read results after {@link #toFloat32}. Two steps stay in
 * float32 whatever the compute type, because the reference keeps them there: RMSNorm statistics
 * ({@code InternRMSNorm}, {@code LlamaRMSNorm}: variance in float32, result cast back before the
 * gain) and the bicubic resizing of the position embedding ({@code pos_embed.float()}).
 *
 * <p>bfloat16 is not a compute type here: DJL 0.36's PyTorch JNI aborts the JVM when it creates or
 * converts to a bfloat16 tensor (seen with {@code toType} and {@code create(ByteBuffer, ...,
 * BFLOAT16)}), so no bfloat16 array can exist in this process.
 */
public final class Precision {

  /** The largest finite float16 value. */
  private static final float FLOAT16_MAX = 65504f;

  private Precision() {}

  /**
   * Checks that a compute type is supported.
   *
   * @param dtype the compute type
   * @return {@code dtype}
   * @throws IllegalArgumentException for anything but float32 and float16
   */
  public static DataType check(DataType dtype) {
    if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) {
      throw new IllegalArgumentException(
          "compute type "
              + dtype.name().toLowerCase(Locale.ROOT)
              + " is not supported; use float32 or float16");
    }
    return dtype;
  }

  /**
   * Casts a float32 weight to the compute type; the returned array belongs to the weight's manager
   * and the float32 original is closed when a new array was made.
   *
   * @param weight a float32 weight
   * @param dtype the compute type
   * @param key the weight's name, for the message
   * @return the weight in the compute type
   * @throws IllegalArgumentException when a value does not fit the compute type (float16's range is
   *     ±65504; a bfloat16 or float32 checkpoint may hold more)
   */
  public static NDArray castWeight(NDArray weight, DataType dtype, String key) {
    if (weight.getDataType() == dtype) {
      return weight;
    }
    if (dtype == DataType.FLOAT16 && weight.size() > 0) {
      float max;
      try (NDArray abs = weight.abs();
          NDArray m = abs.max()) {
        max = m.getFloat();
      }
      if (!(max <= FLOAT16_MAX)) {
        throw new IllegalArgumentException(
            "weight '"
                + key
                + "' holds "
                + max
                + ", outside float16's range (±65504); use dtype: float32");
      }
    }
    NDArray cast = weight.toType(dtype, false);
    cast.setName(weight.getName());
    weight.close();
    return cast;
  }

  /**
   * Casts an activation to a type; the result is {@code x} itself when it already has it.
   *
   * @param x an array
   * @param dtype the wanted type
   * @return {@code x} in that type, in the manager of {@code x}
   */
  public static NDArray cast(NDArray x, DataType dtype) {
    return x.getDataType() == dtype ? x : x.toType(dtype, false);
  }

  /**
   * Casts a result to float32 for reading into Java arrays.
   *
   * @param x an array
   * @return {@code x} as float32 (itself when it already is)
   */
  public static NDArray toFloat32(NDArray x) {
    return cast(x, DataType.FLOAT32);
  }

  /**
   * RMSNorm with the reference's precision: {@code w * (x * rsqrt(mean(x^2) + eps))}, the
   * statistics and the scaling in float32, the result cast back to the type of {@code x} before the
   * gain.
   *
   * @param x activations {@code [..., C]}
   * @param weight the gain {@code [C]}, in the compute type
   * @param eps added to the mean square
   * @return the normalized activations, in the type of {@code x}
   */
  public static NDArray rmsNorm(NDArray x, NDArray weight, double eps) {
    // training in half precision cannot take the float32 detour: DJL's toType runs under
    // NoGradGuard
    DataType type = x.getDataType();
    if (type != DataType.FLOAT32 && x.hasGradient()) {
      return scaledRmsNorm(x, weight, eps);
    }
    NDArray x32 = toFloat32(x);
    // x * rsqrt(v + eps), PyTorch's rsqrt being 1 / sqrt: two roundings, as the reference has them
    NDArray root = x32.square().mean(new int[] {-1}, true).add((float) eps).sqrt();
    NDArray inverse;
    try (NDArray one = root.getManager().full(new Shape(), 1f, DataType.FLOAT32)) {
      inverse = one.div(root);
    }
    return cast(x32.mul(inverse), type).mul(weight);
  }

  /**
   * RMSNorm in the type of {@code x} with no cast, for back-propagation in half precision (DJL
   * 0.36's {@code toType} is not differentiable: it runs under {@code NoGradGuard}). Each row is
   * first divided by its largest magnitude {@code s} (a constant for autograd), so the squares stay
   * within float16: {@code x / sqrt(mean(x^2) + eps) = (x/s) / sqrt(mean((x/s)^2) + eps/s^2)}.
   */
  private static NDArray scaledRmsNorm(NDArray x, NDArray weight, double eps) {
    NDArray s = Scalars.maximum(x.stopGradient().abs().max(new int[] {-1}, true), 1e-4);
    NDArray xs = x.div(s);
    NDArray epsOverS2 = Scalars.mul(s.square().pow(-1), eps);
    NDArray rms = xs.square().mean(new int[] {-1}, true).add(epsOverS2).sqrt();
    return xs.div(rms).mul(weight);
  }

  /**
   * Widens a scalar loss to float32 so that autograd still reaches the graph behind it (adding a
   * float32 zero promotes the type; {@code toType} would cut the graph).
   *
   * @param loss a 0-d loss of any float type
   * @return the loss as a 0-d float32 array, differentiable
   */
  public static NDArray widenLoss(NDArray loss) {
    if (loss.getDataType() == DataType.FLOAT32) {
      return loss;
    }
    NDArray zero = loss.getManager().zeros(new Shape(1), DataType.FLOAT32, loss.getDevice());
    return loss.add(zero).sum();
  }
}
