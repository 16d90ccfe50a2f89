package io.vleval.model.internvl.vision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.vleval.model.internvl.InternVlCases;
import io.vleval.model.internvl.ParityMath;
import io.vleval.model.internvl.safetensors.SafetensorsFile;
import io.vleval.testkit.FixtureTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code dtype: float16}: every stand-alone InternViT case of the fixture root computed natively in
 * half precision lands within float16's error of the float32 reference, and really is computed in
 * half precision.
 *
 * <p>The fixtures hold float32 references only; their README expects native half precision to land
 * at the 1e-2 level. The bound is relative to the largest reference value of each tensor.
 */
@FixtureTest
class HalfPrecisionParityTest {

  /**
   * float16 carries 11 significant bits (2^-11 = 4.9e-4 relative); three layers and softmax
   * compound it.
   */
  private static final double RELATIVE_TOLERANCE = 1e-2;

  static List<InternVlCases.Case> visionCases() {
    return InternVitParityTest.visionCases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("visionCases")
  void float16ComputeStaysWithinHalfPrecisionOfTheReference(InternVlCases.Case c) {
    Path dir = c.dir();
    Map<String, Double> relative = new TreeMap<>();
    double smallest = Double.MAX_VALUE;
    try (InternVit vit = InternVit.load(dir, Device.cpu(), DataType.FLOAT16);
        SafetensorsFile inputs = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
        SafetensorsFile expected = SafetensorsFile.open(dir.resolve("expected.safetensors"));
        NDManager batch = vit.manager().newSubManager()) {
      assertThat(vit.weights().values())
          .allSatisfy(w -> assertThat(w.getDataType()).isEqualTo(DataType.FLOAT16));
      for (String key : expected.keys()) {
        if (!key.endsWith("last_hidden_state") && !key.endsWith("pooler_output")) {
          continue;
        }
        String variant = key.startsWith("hr_") ? "_hr" : key.startsWith("rect_") ? "_rect" : "";
        NDArray pixels = inputs.toNDArray("pixel_values" + variant, batch);
        VisionOutput out = vit.forward(pixels);
        NDArray actual = key.endsWith("pooler_output") ? out.pooled() : out.lastHiddenState();
        assertThat(actual.getDataType()).as(key).isEqualTo(DataType.FLOAT16);
        float[] want = expected.floats(key);
        float[] got = actual.toType(DataType.FLOAT32, false).toFloatArray();
        relative.put(key, ParityMath.relativeError(got, want));
        smallest = Math.min(smallest, ParityMath.maxAbsError(got, want));
      }
    }
    ParityMath.report(dir.getFileName() + "_float16", "relative", relative);
    assertThat(relative).as("checked tensors").isNotEmpty();
    assertThat(relative)
        .allSatisfy((k, e) -> assertThat(e).as(k).isLessThanOrEqualTo(RELATIVE_TOLERANCE));
    // float32 lands within 6e-6 of these references; half precision cannot
    assertThat(smallest)
        .as("smallest max abs error: the pass really ran in float16")
        .isGreaterThan(1e-4);
  }
}
