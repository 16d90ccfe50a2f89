package io.vleval.tasks.segmentation.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.SplittableRandom;

/**
 * The layer functions of the heads, on NCHW arrays, each as the reference computes it. Scalars
 * enter the autograd graph as arrays ({@code mul(Number)} and friends free theirs before the
 * backward pass).
 */
final class Ops {
  private static final int BILINEAR = 1;
  private static final int AREA = 2;

  private Ops() {}

  /** A 0-d float array in {@code like}'s manager. */
  static NDArray scalar(NDArray like, double value) {
    return like.getManager().create((float) value);
  }

  /** {@code nn.Conv2d} with stride 1, the given padding, and an optional bias. */
  static NDArray conv(NDArray x, NDArray weight, NDArray bias, int padding) {
    return x.getNDArrayInternal()
        .convolution(
            x, weight, bias, new Shape(1, 1), new Shape(padding, padding), new Shape(1, 1), 1)
        .singletonOrThrow();
  }

  /**
   * {@code nn.BatchNorm2d} (eps 1e-5, momentum 0.1) through PyTorch's own kernel: in training,
   * batch statistics over N, H, W normalise and the running statistics move towards them in place
   * (unbiased variance); otherwise the running statistics normalise.
   */
  static NDArray batchNorm(NDArray x, Params p, String name, boolean training) {
    // DJL's momentum is the share kept (it hands 1 - momentum to PyTorch)
    return BatchNorm.batchNorm(
            x,
            p.get(name + ".running_mean"),
            p.get(name + ".running_var"),
            p.get(name + ".weight"),
            p.get(name + ".bias"),
            1,
            0.9f,
            1e-5f,
            training)
        .singletonOrThrow();
  }

  static NDArray relu(NDArray x) {
    return Activation.relu(x);
  }

  /** Exact (erf) GELU, as {@code nn.GELU()}. */
  static NDArray gelu(NDArray x) {
    return x.getNDArrayInternal().gelu();
  }

  /**
   * InternVL's channels-first {@code LayerNorm} (eps 1e-6): per pixel, over channels, biased
   * variance.
   */
  static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
    NDArray u = x.mean(new int[] {1}, true);
    NDArray centred = x.sub(u);
    NDArray s = centred.square().mean(new int[] {1}, true);
    NDArray y = centred.div(s.add(scalar(x, 1e-6)).sqrt());
    return y.mul(weight.reshape(1, -1, 1, 1)).add(bias.reshape(1, -1, 1, 1));
  }

  /**
   * {@code nn.ConvTranspose2d(c, c', 2, 2)} (weight {@code [c, c', 2, 2]}): every input pixel
   * becomes its own 2x2 output block, so it is one matrix product and a reshuffle.
   */
  static NDArray convTranspose2x2(NDArray x, NDArray weight, NDArray bias) {
    Shape s = x.getShape();
    long b = s.get(0);
    long c = s.get(1);
    long h = s.get(2);
    long w = s.get(3);
    long out = weight.getShape().get(1);
    NDArray y = x.transpose(0, 2, 3, 1).matMul(weight.reshape(c, out * 4));
    y = y.reshape(b, h, w, out, 2, 2).transpose(0, 3, 1, 4, 2, 5).reshape(b, out, 2 * h, 2 * w);
    return y.add(bias.reshape(1, -1, 1, 1));
  }

  /** {@code nn.MaxPool2d(kernel_size=2, stride=2)}. */
  static NDArray maxPool2x2(NDArray x) {
    return Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
  }

  /**
   * {@code F.interpolate(mode='bilinear', align_corners=False)} (mmseg's {@code resize}), without
   * antialiasing. Enlarging uses PyTorch's kernel; shrinking (where DJL's kernel would antialias)
   * multiplies by the same interpolation weights as matrices.
   */
  static NDArray bilinear(NDArray x, long height, long width) {
    long h = x.getShape().get(2);
    long w = x.getShape().get(3);
    if (h == height && w == width) {
      return x;
    }
    if (height >= h && width >= w) {
      return x.getNDArrayInternal().interpolation(new long[] {height, width}, BILINEAR, false);
    }
    NDArray rows = x.getManager().create(weights((int) h, (int) height), new Shape(height, h));
    NDArray cols = x.getManager().create(weights((int) w, (int) width), new Shape(width, w));
    return rows.matMul(x).matMul(cols.transpose());
  }

  /**
   * Row-major {@code [out, in]} weights of PyTorch's linear interpolation with half-pixel centres:
   * source {@code max(0, (d + 0.5) * in / out - 0.5)} in float, its floor and the next index
   * (clamped), weighted by the distance.
   */
  static float[] weights(int in, int out) {
    float[] m = new float[out * in];
    float scale = (float) in / out;
    for (int d = 0; d < out; d++) {
      float src = Math.max(0f, scale * (d + 0.5f) - 0.5f);
      int i0 = (int) src;
      int i1 = i0 + (i0 < in - 1 ? 1 : 0);
      float l1 = src - i0;
      m[d * in + i0] += 1f - l1;
      m[d * in + i1] += l1;
    }
    return m;
  }

  /** {@code nn.AdaptiveAvgPool2d(size)} (the same as {@code interpolate(mode='area')}). */
  static NDArray adaptiveAvgPool(NDArray x, long size) {
    return x.getNDArrayInternal().interpolation(new long[] {size, size}, AREA, false);
  }

  /**
   * {@code nn.Dropout2d(p)} in training: each (sample, channel) map zeroed with probability p, the
   * rest scaled by 1 / (1 - p), drawn from {@code random}.
   */
  static NDArray dropout2d(NDArray x, double p, SplittableRandom random) {
    if (p <= 0) {
      return x;
    }
    long b = x.getShape().get(0);
    long c = x.getShape().get(1);
    float[] mask = new float[(int) (b * c)];
    float keep = (float) (1 / (1 - p));
    for (int i = 0; i < mask.length; i++) {
      mask[i] = random.nextDouble() < p ? 0f : keep;
    }
    return x.mul(x.getManager().create(mask, new Shape(b, c, 1, 1)));
  }

  /**
   * mmseg's {@code CrossEntropyLoss} with {@code avg_non_ignore=False}, times {@code weight}: the
   * per-pixel cross entropy of logits {@code [B, K, H, W]} (already at the label size) against
   * {@code labels} ({@code B*H*W} values), 0 at pixels labelled {@code ignore}, averaged over all
   * pixels, ignored ones included.
   */
  static NDArray crossEntropy(NDArray logits, int[] labels, int ignore, double weight) {
    Shape s = logits.getShape();
    long[] index = new long[labels.length];
    float[] scale = new float[labels.length];
    float each = (float) (weight / labels.length);
    for (int i = 0; i < labels.length; i++) {
      boolean counted = labels[i] != ignore;
      index[i] = counted ? labels[i] : 0;
      scale[i] = counted ? each : 0f;
    }
    Shape pixels = new Shape(s.get(0), 1, s.get(2), s.get(3));
    NDArray picked =
        logits
            .logSoftmax(1)
            .gather(logits.getManager().create(index, pixels).toType(DataType.INT64, false), 1);
    return picked.mul(logits.getManager().create(scale, pixels)).sum().neg();
  }
}
