package io.vleval.datasets.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import io.vleval.datasets.image.ImageDecoder;
import io.vleval.preprocess.ImageTransform;
import io.vleval.preprocess.PilResample;
import io.vleval.testkit.FixtureCases;
import io.vleval.testkit.FixtureTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestReporter;

/**
 * Golden parity with the reference pipeline (torchvision 0.14 on PIL 9.4): one dynamic test per
 * case of the fixture root's {@code preprocess/}, with the tolerance its README states. The cases
 * are those listed by every index file there (any {@code *.json} with a {@code cases} array; file
 * names in it are relative to the index), so a case added to any root is tested. A root without
 * preprocessing cases fails, unless it lists the kind {@code preprocess} in {@code
 * absent-kinds.txt} (see {@link FixtureCases}).
 */
@FixtureTest
class PreprocessFixtureTest {

  /** One case of an index file: the folder its files are in, and its entry. */
  record Case(Path dir, JsonNode entry, String label) {
    @Override
    public String toString() {
      return label;
    }
  }

  static List<Case> cases() throws IOException {
    FixtureCases root = FixtureCases.of();
    List<Case> out = new ArrayList<>();
    for (Path index : root.files("preprocess", "json")) {
      JsonNode cases = new ObjectMapper().readTree(index.toFile()).path("cases");
      if (!cases.isArray()) {
        continue;
      }
      for (JsonNode c : cases) {
        out.add(
            new Case(
                index.getParent(),
                c,
                c.path("case").asText()
                    + " "
                    + c.path("mode").asText()
                    + " "
                    + c.path("width").asInt()
                    + "x"
                    + c.path("height").asInt()
                    + "->"
                    + c.path("size").asInt()
                    + " ["
                    + root.relative(index)
                    + "]"));
      }
    }
    return root.require("preprocess", out);
  }

  @TestFactory
  Stream<DynamicTest> everyGoldenCase(TestReporter reporter) throws IOException {
    return DynamicTest.stream(
        cases().stream(), Case::toString, c -> check(c.dir(), c.entry(), reporter));
  }

  private static void check(Path dir, JsonNode c, TestReporter reporter) throws IOException {
    ImageTransform transform =
        new ImageTransform(
            ImageTransform.Mode.fromId(c.path("mode").asText()), c.path("size").asInt(),
            floats(c.path("mean")), floats(c.path("std")));
    int size = transform.size();
    ImageDecoder decoder = ImageDecoder.create();

    RgbImage image = decoder.decode(dir.resolve(c.path("input").asText()));
    assertThat(image.width()).isEqualTo(c.path("width").asInt());
    assertThat(image.height()).isEqualTo(c.path("height").asInt());
    Map<String, GoldenTensors.Tensor> expected =
        GoldenTensors.read(dir.resolve(c.path("expected").asText()));

    GoldenTensors.Tensor pv = expected.get("pixel_values");
    assertThat(pv).as("pixel_values in " + c.path("expected").asText()).isNotNull();
    assertThat(pv.shape()).containsExactly(3, size, size);
    float[] want = pv.asFloats();
    float[] got = transform.apply(image);
    assertThat(got).hasSize(want.length);

    float[] std = transform.std();
    int plane = size * size;
    double sumAbs = 0;
    double[] maxAbs = new double[3];
    int worst = -1;
    double worstExcess = 0;
    for (int i = 0; i < want.length; i++) {
      int ch = i / plane;
      double d = Math.abs((double) got[i] - want[i]);
      sumAbs += d;
      maxAbs[ch] = Math.max(maxAbs[ch], d);
      double excess = d - (1.0 / 255.0) / std[ch];
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = i;
      }
    }
    double meanAbs = sumAbs / want.length;
    int exact = 0;
    for (int i = 0; i < want.length; i++) {
      if (got[i] == want[i]) {
        exact++;
      }
    }
    String summary =
        String.format(
            Locale.ROOT,
            "%s: max |diff| per channel %.6g %.6g %.6g (grey levels %.3f %.3f %.3f), mean |diff| %.3g, bit-exact %d/%d",
            c.path("case").asText(),
            maxAbs[0],
            maxAbs[1],
            maxAbs[2],
            maxAbs[0] * std[0] * 255,
            maxAbs[1] * std[1] * 255,
            maxAbs[2] * std[2] * 255,
            meanAbs,
            exact,
            want.length);
    // Kept in the test report so the per-case error can be quoted.
    reporter.publishEntry(c.path("case").asText(), summary);
    if (worst >= 0) {
      int ch = worst / plane;
      int y = (worst % plane) / size;
      int x = worst % size;
      fail(
          summary
              + "; element ["
              + ch
              + ","
              + y
              + ","
              + x
              + "] differs by "
              + Math.abs(got[worst] - want[worst])
              + ", more than one grey level ("
              + (1.0 / 255.0) / std[ch]
              + ")");
    }
    assertThat(meanAbs).as(summary).isLessThan(0.002);

    GoldenTensors.Tensor ln = expected.get("label_nearest");
    assertThat(ln).as("label_nearest in " + c.path("expected").asText()).isNotNull();
    assertThat(ln.shape()).containsExactly(size, size);
    LabelMap label = decoder.decodeLabelMap(dir.resolve(c.path("label_input").asText()));
    LabelMap resized = PilResample.nearest(label, size, size);
    byte[] wantLabel = ln.asBytes();
    for (int i = 0; i < wantLabel.length; i++) {
      if (resized.values()[i] != wantLabel[i]) {
        fail(
            c.path("case").asText()
                + ": label_nearest differs at ("
                + (i % size)
                + ", "
                + (i / size)
                + "): got "
                + (resized.values()[i] & 0xFF)
                + ", expected "
                + (wantLabel[i] & 0xFF));
      }
    }
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }
}
