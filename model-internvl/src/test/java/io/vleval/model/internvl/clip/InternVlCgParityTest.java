package io.vleval.model.internvl.clip;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden parity of InternVL-C/-G with the reference PyTorch code, on every InternVL-C/-G case of
 * the fixture root: every expected tensor within 1e-4 max abs, exact position ids, identical
 * next-token arg-max.
 */
@FixtureTest
class InternVlCgParityTest {

  static final double TOLERANCE = 1e-4;

  static List<InternVlCases.Case> cases() {
    return InternVlCases.of(InternVlCases.Kind.CONTRASTIVE);
  }

  static long[][] rows(SafetensorsFile f, String key) {
    long[] flat = f.longs(key);
    long[] shape = f.info(key).shape();
    long[][] out = new long[(int) shape[0]][];
    int n = (int) shape[1];
    for (int i = 0; i < out.length; i++) {
      out[i] = Arrays.copyOfRange(flat, i * n, (i + 1) * n);
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyExpectedTensorMatches(InternVlCases.Case c) {
    Map<String, Double> errors = new TreeMap<>();
    measure(c, DataType.FLOAT32, errors, new TreeMap<>());
    ParityMath.report(c.name(), errors);
    assertThat(errors.keySet()).as("checked tensors").containsAll(c.expected());
    assertThat(errors).allSatisfy((k, e) -> assertThat(e).as(k).isLessThanOrEqualTo(TOLERANCE));
  }

  /**
   * {@code dtype: float16}: native half precision within 1e-2 of each tensor's largest reference
   * value, same argmax.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void float16ComputeStaysWithinHalfPrecisionOfTheReference(InternVlCases.Case c) {
    Map<String, Double> errors = new TreeMap<>();
    Map<String, Double> relative = new TreeMap<>();
    measure(c, DataType.FLOAT16, errors, relative);
    ParityMath.report(c.name() + "_float16", errors);
    assertThat(relative)
        .hasSameSizeAs(errors)
        .allSatisfy((k, e) -> assertThat(e).as(k).isLessThanOrEqualTo(1e-2));
    assertThat(errors.get("image_embeds_c")).as("really computed in float16").isGreaterThan(1e-5);
  }

  /**
   * Runs every output of the case in a compute type; fills max abs and relative (to max
   * |reference|) errors of every float tensor, and checks the position ids exactly.
   */
  private static void measure(
      InternVlCases.Case c,
      DataType dtype,
      Map<String, Double> errors,
      Map<String, Double> relative) {
    Path dir = c.dir();
    try (InternVlCg model = InternVlCg.load(dir, Device.cpu(), dtype);
        SafetensorsFile in = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
        SafetensorsFile expected = SafetensorsFile.open(dir.resolve("expected.safetensors"));
        NDManager batch = model.manager().newSubManager()) {
      NDArray pixels = in.toNDArray("pixel_values", batch);
      long[][] text = rows(in, "text_input_ids");
      NDArray vision = model.vision(pixels);
      NDArray imageC = model.imageEmbedsC(vision);
      NDArray imageG = model.imageEmbedsG(vision);
      NDArray textHidden = model.textHidden(text, batch);
      NDArray textEmbeds = model.textEmbeds(textHidden, text);
      int nq = model.config().qllama().numQueryTokens();
      Map<String, NDArray> actual = new LinkedHashMap<>();
      actual.put("vision_last_hidden_state", vision);
      actual.put("image_embeds_c", imageC);
      actual.put("image_embeds_g", imageG);
      actual.put("text_embeds", textEmbeds);
      actual.put("text_last_hidden_state", textHidden);
      actual.put("logits_per_image_c", model.logitsPerImage(imageC, textEmbeds));
      actual.put("logits_per_text_c", model.logitsPerImage(imageC, textEmbeds).transpose());
      actual.put("qllama_query_hidden_state", model.queryOutputs(vision));
      actual.put("logits_per_image_g", model.logitsPerImage(imageG, textEmbeds));
      actual.put("logits_per_text_g", model.logitsPerImage(imageG, textEmbeds).transpose());
      long[][] prefixMask = null;
      if (c.hasCaptioning()) {
        long[][] prefix = rows(in, "caption_prefix_ids");
        prefixMask = rows(in, "caption_attention_mask");
        NDArray captionLogits =
            model
                .qllama()
                .logits(model.captionHidden(vision, prefix, prefixMask).get(":, " + nq + ":, :"));
        actual.put("caption_logits", captionLogits);
        actual.put("caption_next_token_logits", captionLogits.get(":, -1, :"));
      }
      for (String key : expected.keys()) {
        if (key.equals("caption_position_ids")) {
          assertThat(prefixMask).as("caption inputs for " + key).isNotNull();
          long[] want = expected.longs(key);
          long[] got =
              Arrays.stream(InternVlCg.captionPositions(prefixMask, nq))
                  .flatMapToLong(Arrays::stream)
                  .toArray();
          assertThat(got).as(key).containsExactly(want);
          errors.put(key, 0.0);
          relative.put(key, 0.0);
          continue;
        }
        assertThat(actual)
            .as("expected tensor '%s' is one this test computes", key)
            .containsKey(key);
        NDArray a = actual.get(key);
        float[] want = expected.floats(key);
        assertThat(a.getShape().getShape())
            .as(key + " shape")
            .containsExactly(expected.info(key).shape());
        float[] got = Precision.toFloat32(a).toFloatArray();
        errors.put(key, ParityMath.maxAbsError(got, want));
        relative.put(key, ParityMath.relativeError(got, want));
        if (key.endsWith("next_token_logits")) {
          int rows = (int) expected.info(key).shape()[0];
          int vocab = want.length / rows;
          for (int r = 0; r < rows; r++) {
            assertThat(ParityMath.argMax(got, r * vocab, vocab))
                .as(key + " row " + r + " argmax")
                .isEqualTo(ParityMath.argMax(want, r * vocab, vocab));
          }
        }
      }
    }
  }
}
