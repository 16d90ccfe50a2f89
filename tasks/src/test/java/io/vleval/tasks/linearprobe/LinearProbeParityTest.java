package io.vleval.tasks.linearprobe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.model.BlockFeatures;
import io.vleval.api.model.DenseFeatures;
import io.vleval.api.sample.RgbImage;
import io.vleval.tasks.head.ProbeHead;
import io.vleval.tasks.head.WarmupCosineSchedule;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The linear probe against the reference code's own outputs ({@code src/test/fixture-gen/
 * linear_probe_reference.py}: InternVL's classification code, timm 0.9.12, torchvision 0.14.1 on
 * PIL 9.4): the feature and the head's forward pass, optimizer steps, Mixup/CutMix given the drawn
 * values, RandomResizedCrop + flip given the drawn crop, and the learning rate of every step. Every
 * case of every fixture file is run; the largest differences are stated in {@code tasks/README.md}.
 */
class LinearProbeParityTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode fixture(String name) throws IOException {
    try (InputStream in =
        LinearProbeParityTest.class.getResourceAsStream("/linearprobe/" + name + ".json")) {
      assertThat(in).as("fixture " + name).isNotNull();
      JsonNode root = JSON.readTree(in);
      assertThat(root.get("cases").size()).as(name + " cases").isPositive();
      return root;
    }
  }

  static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  static float[][] rows(float[] flat, int width) {
    float[][] out = new float[flat.length / width][];
    for (int i = 0; i < out.length; i++) {
      out[i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
    }
    return out;
  }

  static double maxDiff(float[] expected, float[] actual) {
    assertThat(actual).hasSameSizeAs(expected);
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs((double) expected[i] - actual[i]));
    }
    return worst;
  }

  static float[] flat(float[][] rows) {
    int w = rows[0].length;
    float[] out = new float[rows.length * w];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, out, i * w, w);
    }
    return out;
  }

  static Map<String, float[]> state(JsonNode node) {
    Map<String, float[]> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> out.put(e.getKey(), floats(e.getValue())));
    return out;
  }

  /** One image's tokens (class token first) as a block's output. */
  static BlockFeatures block(float[] tokens, int channels) {
    int cells = tokens.length / channels - 1;
    int grid = (int) Math.round(Math.sqrt(cells));
    return new BlockFeatures(
        0,
        Arrays.copyOfRange(tokens, 0, channels),
        new DenseFeatures(
            grid, cells / grid, channels, Arrays.copyOfRange(tokens, channels, tokens.length)));
  }

  /** The head's inputs for a batch of token sets: the feature, or the tokens for pooling. */
  static float[][] inputs(JsonNode c, float[] tokens) {
    int channels = c.get("channels").asInt();
    int perImage = c.get("tokens_per_image").asInt() * channels;
    float[][] images = rows(tokens, perImage);
    if (c.get("cls_target").asText().equals("attention_pooling")) {
      return images;
    }
    float[][] out = new float[images.length][];
    for (int i = 0; i < images.length; i++) {
      out[i] = ProbeFeature.clsPatchConcat(block(images[i], channels));
    }
    return out;
  }

  static ProbeHead head(JsonNode c, Map<String, float[]> state) {
    int channels = c.get("channels").asInt();
    boolean pooling = c.get("cls_target").asText().equals("attention_pooling");
    return ProbeHead.of(
        state,
        pooling ? channels : 2 * channels,
        c.get("classes").asInt(),
        pooling ? c.get("heads").asInt() : 0);
  }

  @Test
  void featureAndHeadForwardInTrainingAndEvaluationModes() throws IOException {
    double feature = 0;
    double logits = 0;
    double running = 0;
    for (JsonNode c : fixture("head_forward").get("cases")) {
      String name = c.get("name").asText();
      float[][] x = inputs(c, floats(c.get("tokens")));
      if (!c.get("feature").isNull()) {
        feature = Math.max(feature, maxDiff(floats(c.get("feature")), flat(x)));
      }
      try (ProbeHead head = head(c, state(c.get("state")))) {
        double train = maxDiff(floats(c.get("train_logits")), flat(head.trainingLogits(x)));
        Map<String, float[]> after = head.state();
        double stats =
            Math.max(
                maxDiff(
                    floats(c.get("running_after_train").get("norm.running_mean")),
                    after.get("norm.running_mean")),
                maxDiff(
                    floats(c.get("running_after_train").get("norm.running_var")),
                    after.get("norm.running_var")));
        double eval = maxDiff(floats(c.get("eval_logits")), flat(head.logits(x)));
        assertThat(train).as(name + " training logits").isLessThan(1e-5);
        assertThat(stats).as(name + " running statistics").isLessThan(1e-6);
        assertThat(eval).as(name + " evaluation logits").isLessThan(1e-5);
        logits = Math.max(logits, Math.max(train, eval));
        running = Math.max(running, stats);
      }
    }
    assertThat(feature).as("cls_patch_concat feature").isLessThan(1e-6);
    report("head_forward", "feature " + feature + ", logits " + logits + ", running " + running);
  }

  @Test
  void optimizerStepsMatchTheReferenceOptimizer() throws IOException {
    double worst = 0;
    double lossWorst = 0;
    double normWorst = 0;
    for (JsonNode c : fixture("train_steps").get("cases")) {
      String name = c.get("name").asText();
      ProbeHead.StepSettings settings =
          new ProbeHead.StepSettings(
              c.get("momentum").asDouble(),
              c.get("weight_decay").asDouble(),
              c.get("clip").asDouble());
      int classes = c.get("classes").asInt();
      try (ProbeHead head = head(c, state(c.get("state")))) {
        for (JsonNode s : c.get("steps")) {
          ProbeHead.StepResult r =
              head.step(
                  inputs(c, floats(s.get("tokens"))),
                  rows(floats(s.get("targets")), classes),
                  s.get("lr").asDouble(),
                  settings);
          double loss = s.get("loss").asDouble();
          double norm = s.get("grad_norm").asDouble();
          // relative: a float32 loss of 100 is only good to about 1e-5
          lossWorst = Math.max(lossWorst, Math.abs(r.loss() - loss) / (1 + Math.abs(loss)));
          normWorst = Math.max(normWorst, Math.abs(r.gradNorm() - norm) / (1 + norm));
          assertThat(r.loss()).as(name + " loss").isCloseTo(loss, within(1e-6 * (1 + loss)));
          assertThat(r.gradNorm())
              .as(name + " gradient norm")
              .isCloseTo(norm, within(1e-5 * (1 + norm)));
        }
        Map<String, float[]> expected = state(c.get("state_after"));
        Map<String, float[]> actual = head.state();
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (String k : expected.keySet()) {
          double d = maxDiff(expected.get(k), actual.get(k));
          assertThat(d).as(name + " " + k).isLessThan(2e-5);
          worst = Math.max(worst, d);
        }
      }
    }
    report(
        "train_steps",
        "parameters "
            + worst
            + ", loss (relative) "
            + lossWorst
            + ", gradient norm (relative) "
            + normWorst);
  }

  private static Offset<Double> within(double d) {
    return Offset.offset(d);
  }

  @Test
  void mixupAndCutmixGivenTheDrawnValues() throws IOException {
    JsonNode root = fixture("mixup");
    float[] mean = floats(root.get("mean"));
    float[] std = floats(root.get("std"));
    double cutmixWorst = 0;
    double mixupWorst = 0;
    double targetWorst = 0;
    int cutmixCases = 0;
    int mixupCases = 0;
    for (JsonNode c : root.get("cases")) {
      String name = c.get("name").asText();
      int b = c.get("batch").asInt();
      int h = c.get("height").asInt();
      int w = c.get("width").asInt();
      int classes = c.get("classes").asInt();
      List<RgbImage> images = new ArrayList<>();
      JsonNode px = c.get("images");
      for (int i = 0; i < b; i++) {
        byte[] rgb = new byte[h * w * 3];
        for (int k = 0; k < rgb.length; k++) {
          rgb[k] = (byte) px.get(i * rgb.length + k).asInt();
        }
        images.add(new RgbImage(w, h, rgb));
      }
      MixBatch mix;
      if (c.get("cutmix").asBoolean()) {
        double ratio = Math.sqrt(1 - c.get("lam_drawn").asDouble());
        mix =
            MixBatch.box(
                c.get("centre").get(0).asInt(),
                c.get("centre").get(1).asInt(),
                (int) (h * ratio),
                (int) (w * ratio),
                h,
                w);
        JsonNode box = c.get("box");
        assertThat(new int[] {mix.yl(), mix.yh(), mix.xl(), mix.xh()})
            .as(name + " box")
            .containsExactly(
                box.get(0).asInt(), box.get(1).asInt(), box.get(2).asInt(), box.get(3).asInt());
      } else {
        mix = new MixBatch(false, c.get("lam").asDouble(), 0, 0, 0, 0);
      }
      assertThat(mix.lambda()).as(name + " lambda").isEqualTo(c.get("lam").asDouble());
      List<RgbImage> mixed = mix.apply(images);
      float[] expected = floats(c.get("mixed"));
      float[] actual = new float[expected.length];
      for (int i = 0; i < b; i++) {
        byte[] rgb = mixed.get(i).rgb();
        for (int ch = 0; ch < 3; ch++) {
          for (int p = 0; p < h * w; p++) {
            float v = (rgb[p * 3 + ch] & 0xFF) / 255f;
            actual[((i * 3 + ch) * h * w) + p] = (v - mean[ch]) / std[ch];
          }
        }
      }
      double d = maxDiff(expected, actual);
      if (mix.cutmix()) {
        assertThat(d).as(name + " CutMix pixels").isLessThan(1e-6);
        cutmixWorst = Math.max(cutmixWorst, d);
        cutmixCases++;
      } else {
        // a blend rounded to 8 bits: at most half a grey level, divided by the smallest std
        assertThat(d).as(name + " Mixup pixels").isLessThanOrEqualTo(0.5 / 255 / 0.224 + 1e-6);
        mixupWorst = Math.max(mixupWorst, d);
        mixupCases++;
      }
      int[] labels = new int[b];
      for (int i = 0; i < b; i++) {
        labels[i] = c.get("labels").get(i).asInt();
      }
      double t = maxDiff(floats(c.get("targets")), flat(mix.targets(labels, classes, 0.1)));
      assertThat(t).as(name + " targets").isLessThan(1e-7);
      targetWorst = Math.max(targetWorst, t);
    }
    assertThat(cutmixCases).isPositive();
    assertThat(mixupCases).isPositive();
    report(
        "mixup",
        "CutMix pixels "
            + cutmixWorst
            + ", Mixup pixels "
            + mixupWorst
            + ", targets "
            + targetWorst);
  }

  @Test
  void randomResizedCropAndFlipGivenTheDrawnCrop() throws IOException {
    int draws = 0;
    for (JsonNode c : fixture("random_resized_crop").get("cases")) {
      int w = c.get("width").asInt();
      int h = c.get("height").asInt();
      int size = c.get("size").asInt();
      byte[] rgb = new byte[w * h * 3];
      for (int k = 0; k < rgb.length; k++) {
        rgb[k] = (byte) c.get("image").get(k).asInt();
      }
      RgbImage image = new RgbImage(w, h, rgb);
      for (JsonNode d : c.get("draws")) {
        JsonNode crop = d.get("crop");
        ResizedCrop rc =
            new ResizedCrop(
                crop.get(0).asInt(),
                crop.get(1).asInt(),
                crop.get(2).asInt(),
                crop.get(3).asInt(),
                d.get("flip").asBoolean());
        byte[] out = rc.apply(image, size).rgb();
        byte[] expected = new byte[out.length];
        for (int k = 0; k < expected.length; k++) {
          expected[k] = (byte) d.get("output").get(k).asInt();
        }
        assertThat(out).as(c.get("name").asText() + " seed " + d.get("seed")).isEqualTo(expected);
        draws++;
      }
    }
    report("random_resized_crop", draws + " crops, bit-exact");
  }

  @Test
  void learningRateOfEveryStep() throws IOException {
    double worst = 0;
    for (JsonNode c : fixture("lr_schedule").get("cases")) {
      WarmupCosineSchedule s =
          WarmupCosineSchedule.of(
              c.get("peak").asDouble(),
              c.get("epochs").asDouble(),
              c.get("warmup_epochs").asDouble(),
              c.get("steps_per_epoch").asLong());
      for (int i = 0; i < c.get("steps").size(); i++) {
        long step = c.get("steps").get(i).asLong();
        double expected = c.get("lrs").get(i).asDouble();
        double d = Math.abs(s.rateAtStep(step) - expected);
        assertThat(d).as(c.get("name").asText() + " step " + step).isLessThan(1e-15);
        worst = Math.max(worst, d);
      }
    }
    report("lr_schedule", "rates " + worst);
  }

  private static void report(String fixture, String what) {
    System.getLogger(LinearProbeParityTest.class.getName())
        .log(System.Logger.Level.INFO, fixture + ": max abs difference: " + what);
  }
}
