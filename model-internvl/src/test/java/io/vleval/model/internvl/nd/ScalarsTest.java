package io.vleval.model.internvl.nd;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Each helper computes what the DJL method computes, bitwise (SiLU: what PyTorch's {@code F.silu}
 * computes), and its backward pass still reads the right constant after a GC has freed every
 * unreferenced Java buffer (DJL's {@code mul(Number)} etc. do not: see the class comment of {@link
 * Scalars}).
 */
class ScalarsTest {

  private static final float[] X = {-2f, -0.5f, 1e-13f, 0.25f, 3f};

  @Test
  void mul() throws Exception {
    check(
        x -> Scalars.mul(x, 0.125),
        x -> x.mul(0.125f),
        new float[] {0.125f, 0.125f, 0.125f, 0.125f, 0.125f});
  }

  @Test
  void div() throws Exception {
    check(
        x -> Scalars.div(x, 8),
        x -> x.div(8f),
        new float[] {0.125f, 0.125f, 0.125f, 0.125f, 0.125f});
  }

  @Test
  void maximum() throws Exception {
    check(x -> Scalars.maximum(x, 1e-12), x -> x.maximum(1e-12f), new float[] {0f, 0f, 0f, 1f, 1f});
  }

  @Test
  void silu() throws Exception {
    float[] g = new float[X.length];
    for (int i = 0; i < X.length; i++) {
      double s = 1 / (1 + Math.exp(-X[i]));
      g[i] = (float) (s * (1 + X[i] * (1 - s)));
    }
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      float[] got = Scalars.silu(m.create(X)).toFloatArray();
      for (int i = 0; i < X.length; i++) {
        assertThat(got[i]).isCloseTo((float) (X[i] / (1 + Math.exp(-X[i]))), Offset.offset(1e-6f));
      }
    }
    float[] got = gradientAfterGc(Scalars::silu);
    for (int i = 0; i < X.length; i++) {
      assertThat(got[i]).isCloseTo(g[i], Offset.offset(1e-6f));
    }
  }

  /**
   * In float16, SiLU is rounded once from its float32 value, as PyTorch's kernel does; the
   * sigmoid-then-product in half precision (two roundings) gives other values.
   */
  @Test
  void siluOfHalfPrecisionIsRoundedOnce() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray x = m.randomUniform(-8f, 8f, new Shape(4096)).toType(DataType.FLOAT16, false);
      NDArray half = Scalars.silu(x);
      assertThat(half.getDataType()).isEqualTo(DataType.FLOAT16);
      NDArray once =
          Scalars.silu(x.toType(DataType.FLOAT32, false)).toType(DataType.FLOAT16, false);
      assertThat(half.toType(DataType.FLOAT32, false).toFloatArray())
          .containsExactly(once.toType(DataType.FLOAT32, false).toFloatArray());
      NDArray twice = x.getNDArrayInternal().sigmoid().mul(x);
      assertThat(half.eq(twice).all().getBoolean()).as("differs from two roundings").isFalse();
    }
  }

  /**
   * A constant times a float16 array is computed in float32 and rounded once, as for DJL's {@code
   * mul(Number)} and PyTorch's Python scalars: the constant itself is not rounded to float16 first.
   */
  @Test
  void constantsOfHalfPrecisionArraysKeepFloat32() {
    float c = (float) Math.pow(8, -0.5); // InternViT's attention scale of a 8-wide head
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray x = m.randomUniform(-4f, 4f, new Shape(4096)).toType(DataType.FLOAT16, false);
      NDArray got = Scalars.mul(x, c);
      assertThat(got.getDataType()).isEqualTo(DataType.FLOAT16);
      assertThat(got.eq(x.mul(c)).all().getBoolean()).as("as DJL's mul(Number)").isTrue();
      NDArray roundedFirst = x.mul(m.full(new Shape(), c, DataType.FLOAT16));
      assertThat(got.eq(roundedFirst).all().getBoolean()).as("differs from c in float16").isFalse();
      assertThat(Scalars.div(x, 8).eq(x.div(8f)).all().getBoolean()).isTrue();
    }
  }

  private static void check(UnaryOperator<NDArray> op, UnaryOperator<NDArray> djl, float[] grad)
      throws Exception {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      assertThat(op.apply(m.create(X)).toFloatArray())
          .containsExactly(djl.apply(m.create(X)).toFloatArray());
    }
    assertThat(gradientAfterGc(op)).containsExactly(grad);
  }

  /**
   * d sum(op(x)) / dx, with a GC (and the freed memory reused with NaN) between forward and
   * backward.
   */
  private static float[] gradientAfterGc(UnaryOperator<NDArray> op) throws Exception {
    List<ByteBuffer> poison = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray x = m.create(X);
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray y = op.apply(x).sum();
        for (int i = 0; i < 5; i++) {
          System.gc();
          Thread.sleep(20);
        }
        for (int i = 0; i < 20_000; i++) {
          poison.add(
              ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).putFloat(0, Float.NaN));
        }
        gc.backward(y);
      }
      assertThat(poison).hasSize(20_000);
      return x.getGradient().toFloatArray();
    }
  }
}
