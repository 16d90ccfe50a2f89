package io.vleval.model.internvl.chat;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.vleval.model.internvl.InternVlCases;
import io.vleval.model.internvl.ParityMath;
import io.vleval.model.internvl.nd.Precision;
import io.vleval.model.internvl.safetensors.SafetensorsFile;
import io.vleval.testkit.FixtureTest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden parity of InternVL-Chat (InternViT + pixel shuffle + mlp1 + the LLM) with the reference,
 * on every InternVL-Chat case of the fixture root: every expected tensor within 1e-4, same
 * next-token arg-max.
 */
@FixtureTest
class InternVlChatParityTest {

  static List<InternVlCases.Case> cases() {
    return InternVlCases.of(InternVlCases.Kind.CHAT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyExpectedTensorMatches(InternVlCases.Case c) {
    Map<String, Double> errors = new TreeMap<>();
    measure(c, DataType.FLOAT32, errors, new TreeMap<>());
    ParityMath.report(c.name(), errors);
    assertThat(errors.keySet()).as("checked tensors").isEqualTo(c.expected());
    assertThat(errors).allSatisfy((k, e) -> assertThat(e).as(k).isLessThanOrEqualTo(1e-4));
  }

  /**
   * {@code dtype: float16}: native half precision within 1e-2 of each tensor's largest reference
   * value, same next token.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void float16ComputeStaysWithinHalfPrecisionOfTheReference(InternVlCases.Case c) {
    Map<String, Double> errors = new TreeMap<>();
    Map<String, Double> relative = new TreeMap<>();
    measure(c, DataType.FLOAT16, errors, relative);
    ParityMath.report(c.name() + "_float16", errors);
    assertThat(relative.keySet()).isEqualTo(c.expected());
    assertThat(relative).allSatisfy((k, e) -> assertThat(e).as(k).isLessThanOrEqualTo(1e-2));
    assertThat(errors.get("logits")).as("really computed in float16").isGreaterThan(1e-5);
  }

  private static void measure(
      InternVlCases.Case c,
      DataType dtype,
      Map<String, Double> errors,
      Map<String, Double> relative) {
    Path dir = c.dir();
    try (InternVlChat model = InternVlChat.load(dir, Device.cpu(), dtype);
        SafetensorsFile in = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
        SafetensorsFile expected = SafetensorsFile.open(dir.resolve("expected.safetensors"));
        NDManager batch = model.manager().newSubManager()) {
      NDArray pixels = in.toNDArray("pixel_values", batch);
      long[] ids = in.longs("input_ids");
      long context = in.longs("img_context_token_id")[0];
      // the prompt holds num_image_token context tokens per tile, as the reference computes it
      String reference = expected.metadata().get("num_image_token");
      if (reference != null) {
        assertThat(model.config().numImageToken())
            .as("num_image_token")
            .isEqualTo(Integer.parseInt(reference));
      }
      long tiles = pixels.getShape().get(0);
      assertThat(Arrays.stream(ids).filter(id -> id == context).count())
          .as("image context tokens of the prompt")
          .isEqualTo(tiles * model.config().numImageToken());
      Map<String, NDArray> actual = ChatTensors.of(model, pixels, ids, context, batch);
      for (String key : expected.keys()) {
        assertThat(actual)
            .as("expected tensor '%s' is one this test computes", key)
            .containsKey(key);
        NDArray a = actual.get(key);
        assertThat(a.getShape().getShape())
            .as(key + " shape")
            .containsExactly(expected.info(key).shape());
        float[] want = expected.floats(key);
        float[] got = Precision.toFloat32(a).toFloatArray();
        errors.put(key, ParityMath.maxAbsError(got, want));
        relative.put(key, ParityMath.relativeError(got, want));
      }
      float[] want = expected.floats("next_token_logits");
      float[] got = Precision.toFloat32(actual.get("next_token_logits")).toFloatArray();
      assertThat(ParityMath.argMax(got, 0, got.length))
          .as("next token")
          .isEqualTo(ParityMath.argMax(want, 0, want.length));
    }
  }
}
