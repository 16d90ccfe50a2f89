package io.vleval.model.internvl.nd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * Casts to the compute type: range checks, float32 statistics in RMSNorm, and refusal of bfloat16.
 */
class PrecisionTest {

  @Test
  void aWeightOutsideFloat16RangeIsRefusedNamingIt() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray w = m.create(new float[] {1f, -70000f});
      assertThatThrownBy(() -> Precision.castWeight(w, DataType.FLOAT16, "blocks.3.mlp.fc1.weight"))
          .hasMessageContaining("'blocks.3.mlp.fc1.weight'")
          .hasMessageContaining("float16");
      NDArray ok = Precision.castWeight(m.create(new float[] {1f, -65504f}), DataType.FLOAT16, "k");
      assertThat(ok.getDataType()).isEqualTo(DataType.FLOAT16);
      assertThat(ok.toType(DataType.FLOAT32, false).toFloatArray()).containsExactly(1f, -65504f);
    }
  }

  @Test
  void rmsNormOfLargeHalfPrecisionValuesDoesNotOverflow() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      // 300^2 = 90000 overflows float16: the mean square must be taken in float32, as the reference
      // does
      NDArray x = m.create(new float[] {300f, -300f, 300f, -300f}).toType(DataType.FLOAT16, false);
      NDArray w = m.ones(new Shape(4)).toType(DataType.FLOAT16, false);
      NDArray y = Precision.rmsNorm(x, w, 1e-6);
      assertThat(y.getDataType()).isEqualTo(DataType.FLOAT16);
      assertThat(y.toType(DataType.FLOAT32, false).toFloatArray())
          .containsExactly(1f, -1f, 1f, -1f);
    }
  }

  @Test
  void onlyFloat32AndFloat16AreComputeTypes() {
    assertThat(Precision.check(DataType.FLOAT16)).isEqualTo(DataType.FLOAT16);
    assertThatThrownBy(() -> Precision.check(DataType.BFLOAT16)).hasMessageContaining("bfloat16");
  }
}
