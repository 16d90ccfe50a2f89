package io.vleval.model.internvl.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {

  @TempDir Path tmp;

  @Test
  void writesAndReadsEveryDtype() throws Exception {
    float[] values = {0f, 1f, -2.5f, 3.140625f, 1e-3f, -65504f};
    Path file = tmp.resolve("t.safetensors");
    new SafetensorsWriter()
        .metadata("format", "pt")
        .addF32("a.f32", new long[] {2, 3}, values)
        .addFloats("b.f16", SafetensorsDtype.F16, new long[] {6}, values)
        .addFloats("c.bf16", SafetensorsDtype.BF16, new long[] {3, 2}, values)
        .addI64("d.i64", new long[] {}, new long[] {999})
        .add("e.u8", SafetensorsDtype.U8, new long[] {2}, new byte[] {7, (byte) 200})
        .add("f.i32", SafetensorsDtype.I32, new long[] {1}, new byte[] {1, 0, 0, (byte) 0x80})
        .write(file);
    assertThat((Files.size(file) - 8 - 0) % 1).isZero();
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertThat(f.metadata()).containsEntry("format", "pt");
      assertThat(f.keys()).containsExactly("a.f32", "b.f16", "c.bf16", "d.i64", "e.u8", "f.i32");
      assertThat(f.floats("a.f32")).containsExactly(values);
      assertThat(f.floats("b.f16"))
          .containsExactly(
              0f,
              1f,
              -2.5f,
              3.140625f,
              HalfFloats.f16ToFloat(HalfFloats.floatToF16(1e-3f)),
              -65504f);
      assertThat(f.floats("c.bf16")[3]).isEqualTo(3.140625f);
      assertThat(f.info("d.i64").shape()).isEmpty();
      assertThat(f.longs("d.i64")).containsExactly(999);
      assertThat(f.longs("e.u8")).containsExactly(7, 200);
      assertThat(f.longs("f.i32")).containsExactly(Integer.MIN_VALUE + 1);
      try (NDManager m = NDManager.newBaseManager()) {
        NDArray a = f.toNDArray("c.bf16", m);
        assertThat(a.getDataType()).isEqualTo(DataType.FLOAT32);
        assertThat(a.getShape().getShape()).containsExactly(3, 2);
        assertThat(a.toFloatArray()).containsExactly(f.floats("c.bf16"));
        assertThat(f.toNDArray("a.f32", m).toFloatArray()).containsExactly(values);
        assertThat(f.toNDArray("d.i64", m).getLong()).isEqualTo(999);
      }
    }
    // the header is padded to an 8-byte boundary
    byte[] header = new SafetensorsWriter().addF32("x", new long[] {1}, new float[] {1}).header();
    assertThat(header.length % 8).isZero();
  }

  @Test
  void halfFloatConversionsRoundToNearestEven() {
    for (int bits = 0; bits < 0x10000; bits++) {
      short s = (short) bits;
      float f = HalfFloats.f16ToFloat(s);
      if (!Float.isNaN(f)) {
        assertThat(HalfFloats.floatToF16(f)).as("f16 0x%04x", bits).isEqualTo(s);
      }
      float g = HalfFloats.bf16ToFloat(s);
      if (!Float.isNaN(g)) {
        assertThat(HalfFloats.floatToBf16(g)).isEqualTo(s);
      }
    }
    assertThat(HalfFloats.f16ToFloat(HalfFloats.floatToF16(1 + 0x1p-11f)))
        .isEqualTo(1f); // tie to even
    assertThat(HalfFloats.f16ToFloat(HalfFloats.floatToF16(65520f))).isInfinite();
    assertThat(HalfFloats.f16ToFloat(HalfFloats.floatToF16(0x1p-25f))).isZero();
    assertThat(HalfFloats.f16ToFloat(HalfFloats.floatToF16(0x1.8p-25f))).isEqualTo(0x1p-24f);
  }

  @Test
  void readsShardedCheckpoints() throws Exception {
    new SafetensorsWriter()
        .addF32("a", new long[] {2}, new float[] {1, 2})
        .write(tmp.resolve("model-00001-of-00002.safetensors"));
    new SafetensorsWriter()
        .addF32("b", new long[] {1}, new float[] {3})
        .write(tmp.resolve("model-00002-of-00002.safetensors"));
    Files.writeString(
        tmp.resolve(SafetensorsCheckpoint.INDEX_FILE),
        "{\"metadata\":{\"total_size\":12},\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\","
            + "\"b\":\"model-00002-of-00002.safetensors\"}}");
    try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(tmp)) {
      assertThat(c.keys()).containsExactly("a", "b");
      assertThat(c.floats("b")).containsExactly(3f);
      assertThat(c.fileOf("a").getFileName().toString())
          .isEqualTo("model-00001-of-00002.safetensors");
      assertThat(c.files()).hasSize(2);
    }
    Files.writeString(
        tmp.resolve(SafetensorsCheckpoint.INDEX_FILE),
        "{\"weight_map\":{\"a\":\"model-00002-of-00002.safetensors\"}}");
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(tmp))
        .isInstanceOf(SafetensorsException.class)
        .hasMessageContaining("tensor 'a'")
        .hasMessageContaining("absent");
    Files.writeString(
        tmp.resolve(SafetensorsCheckpoint.INDEX_FILE),
        "{\"weight_map\":{\"a\":\"../x.safetensors\"}}");
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(tmp))
        .hasMessageContaining("not a plain file name");
  }
}
