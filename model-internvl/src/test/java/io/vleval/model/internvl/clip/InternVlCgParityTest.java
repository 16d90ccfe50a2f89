package io.vleval.model.internvl.clip;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.vleval.model.internvl.ParityMath;
import io.vleval.model.internvl.nd.Precision;
import io.vleval.model.internvl.safetensors.SafetensorsFile;
import io.vleval.testkit.Fixtures;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Golden parity of InternVL-C/-G with the reference PyTorch code ({@code internvl_cg}): every
 * expected tensor within 1e-4 max abs, exact position ids, identical next-token arg-max.
 */
class InternVlCgParityTest {

  static final double TOLERANCE = 1e-4;

  static Path caseDir() {
    Path dir = Fixtures.root().resolve("internvl").resolve("internvl_cg");
    assertThat(dir.resolve("expected.safetensors")).as("fixture case internvl_cg").isRegularFile();
    return dir;
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

  @Test
  void everyExpectedTensorMatches() {
    Map<String, Double> errors = new TreeMap<>();
    measure(DataType.FLOAT32, errors, new TreeMap<>());
    ParityMath.report("internvl_cg", errors);
    assertThat(errors).allSatisfy((k, e) -> assertThat(e).as(k).isLessThanOrEqualTo(TOLERANCE));
  }

  /**
   * {@code dtype: float16}: native half precision within 1e-2 of each tensor's largest reference
   * value, same argmax.
   */
  @Test
  void float16ComputeStaysWithinHalfPrecisionOfTheReference() {
    Map<String, Double> errors = new TreeMap<>();
    Map<String, Double> relative = new TreeMap<>();
    measure(DataType.FLOAT16, errors, relative);
    ParityMath.report("internvl_cg_float16", errors);
    assertThat(relative)
        .hasSameSizeAs(errors)
        .allSatisfy((k, e) -> assertThat(e).as(k).isLessThanOrEqualTo(1e-2));
    assertThat(errors.get("image_embeds_c")).as("really computed in float16").isGreaterThan(1e-5);
  }

  /**
   * Runs every output of the case in a compute type; fills max abs and relative (to max
   * |reference|) errors.
   */
  private static void measure(
      DataType dtype, Map<String, Double> errors, Map<String, Double> relative) {
    Path dir = caseDir();
    try (InternVlCg model = InternVlCg.load(dir, Device.cpu(), dtype);
        SafetensorsFile in = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
        SafetensorsFile expected = SafetensorsFile.open(dir.resolve("expected.safetensors"));
        NDManager batch = model.manager().newSubManager()) {
      NDArray pixels = in.toNDArray("pixel_values", batch);
      long[][] text = rows(in, "text_input_ids");
      long[][] prefix = rows(in, "caption_prefix_ids");
      long[][] prefixMask = rows(in, "caption_attention_mask");
      NDArray vision = model.vision(pixels);
      NDArray imageC = model.imageEmbedsC(vision);
      NDArray imageG = model.imageEmbedsG(vision);
      NDArray textHidden = model.textHidden(text, batch);
      NDArray textEmbeds = model.textEmbeds(textHidden, text);
      int nq = model.config().qllama().numQueryTokens();
      NDArray captionLogits =
          model
              .qllama()
              .logits(model.captionHidden(vision, prefix, prefixMask).get(":, " + nq + ":, :"));
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
      actual.put("caption_logits", captionLogits);
      actual.put("caption_next_token_logits", captionLogits.get(":, -1, :"));
      Set<String> keys = expected.keys();
      assertThat(keys).as("expected tensors of internvl_cg").contains("caption_position_ids");
      for (String key : keys) {
        if (key.equals("caption_position_ids")) {
          long[] want = expected.longs(key);
          long[] got =
              Arrays.stream(InternVlCg.captionPositions(prefixMask, nq))
                  .flatMapToLong(Arrays::stream)
                  .toArray();
          assertThat(got).as(key).containsExactly(want);
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
