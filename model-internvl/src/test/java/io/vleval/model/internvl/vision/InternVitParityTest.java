package io.vleval.model.internvl.vision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vleval.model.internvl.InternVlCases;
import io.vleval.model.internvl.safetensors.SafetensorsFile;
import io.vleval.testkit.FixtureTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden parity with the reference PyTorch InternViT: every expected tensor of every stand-alone
 * InternViT case of the fixture root (native grid, higher-resolution and non-square grids with
 * interpolated position embeddings, any stored weight type) within 1e-4 max abs.
 */
@FixtureTest
class InternVitParityTest {

  private static final double TOLERANCE = 1e-4;
  private static final Pattern NAME =
      Pattern.compile(
          "(hr_|rect_)?(last_hidden_state|pooler_output|position_embedding|hidden_states\\.(\\d+))");

  /** Every stand-alone InternViT case of the fixture root (composite cases are left alone). */
  static List<InternVlCases.Case> visionCases() {
    return InternVlCases.of(InternVlCases.Kind.VISION);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("visionCases")
  void matchesReference(InternVlCases.Case c) {
    Path dir = c.dir();
    Map<String, Double> errors = new TreeMap<>();
    try (InternVit vit = InternVit.load(dir, Device.cpu());
        SafetensorsFile inputs = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
        SafetensorsFile expected = SafetensorsFile.open(dir.resolve("expected.safetensors"));
        NDManager batch = vit.manager().newSubManager()) {
      Map<String, VisionOutput> outputs = new TreeMap<>();
      for (String key : expected.keys()) {
        Matcher m = NAME.matcher(key);
        assertThat(m.matches())
            .as("expected tensor '%s' is one this test knows how to check", key)
            .isTrue();
        String variant = m.group(1) == null ? "" : m.group(1);
        String input =
            "pixel_values"
                + (variant.isEmpty() ? "" : "_" + variant.substring(0, variant.length() - 1));
        NDArray pixels = inputs.toNDArray(input, batch);
        VisionOutput out = outputs.computeIfAbsent(input, k -> vit.forward(pixels, true));
        NDArray actual;
        switch (m.group(2).replaceAll("\\.\\d+$", "")) {
          case "last_hidden_state" -> actual = out.lastHiddenState();
          case "pooler_output" -> actual = out.pooled();
          case "position_embedding" -> {
            long p = vit.config().patchSize();
            Shape s = pixels.getShape();
            actual = vit.positionEmbedding((int) (s.get(2) / p), (int) (s.get(3) / p), batch);
          }
          default -> actual = out.hiddenStates().get(Integer.parseInt(m.group(3)));
        }
        assertThat(actual.getShape().getShape())
            .as(key)
            .containsExactly(expected.info(key).shape());
        float[] want = expected.floats(key);
        float[] got = actual.toFloatArray();
        double max = 0;
        for (int i = 0; i < want.length; i++) {
          max = Math.max(max, Math.abs(want[i] - got[i]));
        }
        errors.put(key, max);
      }
      // the dense grid is the patch tokens, channels first
      VisionOutput out = outputs.get("pixel_values");
      Shape dense = out.denseFeatures().getShape();
      assertThat(dense.get(1)).isEqualTo(vit.config().hiddenSize());
      assertThat(out.denseFeatures().get(":, :, 0, 1").toFloatArray())
          .containsExactly(out.lastHiddenState().get(":, 2, :").toFloatArray());
    }
    double worst = errors.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    ParityReport.record(dir.getFileName().toString(), worst, errors.size());
    assertThat(errors)
        .as("max abs error per expected tensor")
        .allSatisfy((k, e) -> assertThat(e).as(k).isLessThanOrEqualTo(TOLERANCE));
  }

  /**
   * {@code blockOutputs} returns the reference's {@code hidden_states[k + 1]} for block {@code k}
   * (the features the probes read), in the order asked, running no block past the last one asked.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("visionCases")
  void blockOutputsAreTheReferenceHiddenStates(InternVlCases.Case c) {
    Path dir = c.dir();
    try (InternVit vit = InternVit.load(dir, Device.cpu());
        SafetensorsFile inputs = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
        SafetensorsFile expected = SafetensorsFile.open(dir.resolve("expected.safetensors"));
        NDManager batch = vit.manager().newSubManager()) {
      int depth = vit.config().numHiddenLayers();
      int[] blocks = new int[depth];
      for (int k = 0; k < depth; k++) {
        blocks[k] = depth - 1 - k; // last block first: the order asked is the order returned
      }
      NDArray pixels = inputs.toNDArray("pixel_values", batch);
      List<NDArray> got = vit.blockOutputs(pixels, blocks);
      assertThat(got).hasSize(depth);
      int checked = 0;
      for (int i = 0; i < depth; i++) {
        String key = "hidden_states." + (blocks[i] + 1);
        if (!expected.keys().contains(key)) {
          continue;
        }
        float[] want = expected.floats(key);
        float[] have = got.get(i).toFloatArray();
        assertThat(have).as(key).hasSameSizeAs(want);
        double max = 0;
        for (int j = 0; j < want.length; j++) {
          max = Math.max(max, Math.abs(want[j] - have[j]));
        }
        assertThat(max)
            .as("max abs error of block %d against %s", blocks[i], key)
            .isLessThanOrEqualTo(TOLERANCE);
        checked++;
      }
      assertThat(checked).as("blocks with a reference hidden state in %s", c).isPositive();
      assertThat(vit.blockOutputs(pixels, 0).get(0).toFloatArray())
          .as("a request for block 0 alone gives block 0")
          .containsExactly(got.get(depth - 1).toFloatArray());
    }
  }
}
