package io.vleval.model.internvl.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.safetensors.SafetensorsCheckpoint;
import io.vleval.model.internvl.safetensors.SafetensorsDtype;
import io.vleval.model.internvl.safetensors.SafetensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint key layouts, prefixes and the refusal of checkpoints that do not fit the config. */
class InternVitLoadingTest {

  private static final InternVitConfig CONFIG =
      InternVitConfig.preset("tiny").toBuilder().imageSize(64).build();
  private static float[][] pixels;
  private static VisionArrays reference;

  @TempDir Path tmp;

  @BeforeAll
  static void referenceOutputs() {
    Random r = new Random(7);
    pixels = new float[2][3 * 64 * 48];
    for (float[] p : pixels) {
      for (int i = 0; i < p.length; i++) {
        p[i] = (float) r.nextGaussian();
      }
    }
    try (InternVit vit = InternVit.random(CONFIG, 42)) {
      reference = vit.forward(pixels, 64, 48);
    }
  }

  /** Writes the seed-42 weights under renamed keys, plus extra tensors, as F32 or another dtype. */
  private Path write(
      String file,
      UnaryOperator<String> rename,
      SafetensorsDtype dtype,
      Map<String, long[]> extra) {
    SafetensorsWriter w = new SafetensorsWriter();
    try (InternVit vit = InternVit.random(CONFIG, 42)) {
      for (Map.Entry<String, NDArray> e : vit.weights().entrySet()) {
        String key = rename.apply(e.getKey());
        if (key != null) {
          w.addFloats(key, dtype, e.getValue().getShape().getShape(), e.getValue().toFloatArray());
        }
      }
    }
    extra.forEach(
        (k, shape) ->
            w.addF32(k, shape, new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)]));
    Path p = tmp.resolve(file);
    w.write(p);
    return p;
  }

  private static void assertSameOutputs(InternVit vit) {
    VisionArrays out = vit.forward(pixels, 64, 48);
    assertThat(out.gridHeight()).isEqualTo(4);
    assertThat(out.gridWidth()).isEqualTo(3);
    for (int b = 0; b < pixels.length; b++) {
      assertThat(out.lastHiddenState()[b]).containsExactly(reference.lastHiddenState()[b]);
      assertThat(out.pooled()[b]).containsExactly(reference.pooled()[b]);
    }
    assertThat(out.denseFeatures(0)).hasSize(12 * CONFIG.hiddenSize());
  }

  @Test
  void loadsACompositeCheckpointDirectoryWithPrefix() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("chat"));
    Files.writeString(
        dir.resolve("config.json"),
        "{\"model_type\":\"internvl_chat\",\"downsample_ratio\":0.5,"
            + "\"vision_config\":{\"model_type\":\"intern_vit_6b\",\"hidden_size\":64,\"num_attention_heads\":4,"
            + "\"intermediate_size\":256,\"num_hidden_layers\":2,\"patch_size\":16,\"image_size\":64,"
            + "\"qk_normalization\":true,\"norm_type\":\"rms_norm\",\"use_flash_attn\":true}}");
    Files.move(
        write(
            "m.safetensors",
            k -> "vision_model." + k,
            SafetensorsDtype.F32,
            Map.of(
                "mlp1.0.weight",
                new long[] {4},
                "language_model.model.norm.weight",
                new long[] {2})),
        dir.resolve(SafetensorsCheckpoint.SINGLE_FILE));
    try (InternVit vit = InternVit.load(dir, Device.cpu())) {
      assertThat(vit.config()).isEqualTo(CONFIG);
      assertSameOutputs(vit);
    }
  }

  @Test
  void loadsTimmStyleNames() {
    Path p =
        write(
            "timm.safetensors",
            InternVitLoadingTest::timm,
            SafetensorsDtype.F32,
            Map.of("clip_projector.norm1_q.weight", new long[] {2}, "logit_scale", new long[] {}));
    try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(p);
        InternVit vit = InternVit.fromTensors(CONFIG, c, null, Device.cpu())) {
      assertSameOutputs(vit);
    }
  }

  static String timm(String k) {
    return switch (k) {
      case "embeddings.class_embedding" -> "cls_token";
      case "embeddings.position_embedding" -> "pos_embed";
      case "embeddings.patch_embedding.weight" -> "patch_embed.proj.weight";
      case "embeddings.patch_embedding.bias" -> "patch_embed.proj.bias";
      default -> {
        String s = k.replace("encoder.layers.", "blocks.");
        yield s.endsWith("ls1") || s.endsWith("ls2") ? s + ".gamma" : s;
      }
    };
  }

  @Test
  void loadsBf16WeightsByDecodingThem() {
    Path p = write("bf16.safetensors", k -> k, SafetensorsDtype.BF16, Map.of());
    try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(p);
        InternVit vit = InternVit.fromTensors(CONFIG, c, "", Device.cpu())) {
      VisionArrays out = vit.forward(pixels, 64, 48);
      double max = 0;
      for (int i = 0; i < out.pooled()[0].length; i++) {
        max = Math.max(max, Math.abs(out.pooled()[0][i] - reference.pooled()[0][i]));
      }
      assertThat(max).isGreaterThan(0).isLessThan(0.05);
    }
  }

  @Test
  void refusesMissingUnexpectedAndMisShapedTensorsListingThemAll() {
    Path p =
        write(
            "bad.safetensors",
            k ->
                k.equals("encoder.layers.1.ls2")
                    ? null
                    : k.equals("encoder.layers.0.mlp.fc1.bias")
                        ? "encoder.layers.0.mlp.fc1.bogus"
                        : k,
            SafetensorsDtype.F32,
            Map.of(
                "encoder.layers.9.ls1", new long[] {64}, "encoder.layers.0.ls1x", new long[] {3}));
    // overwrite with a mis-shaped position embedding under a second file via a small manual writer
    try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(p)) {
      InternVitConfig otherGrid = CONFIG.toBuilder().imageSize(96).build();
      assertThatThrownBy(() -> InternVit.fromTensors(otherGrid, c, null, Device.cpu()))
          .isInstanceOf(CheckpointMismatchException.class)
          .hasMessageContaining("bad.safetensors")
          .satisfies(
              e -> {
                CheckpointMismatchException m = (CheckpointMismatchException) e;
                assertThat(m.missing())
                    .containsExactlyInAnyOrder(
                        "encoder.layers.0.mlp.fc1.bias", "encoder.layers.1.ls2");
                assertThat(m.unexpected())
                    .containsExactlyInAnyOrder(
                        "encoder.layers.0.mlp.fc1.bogus",
                        "encoder.layers.9.ls1",
                        "encoder.layers.0.ls1x");
                assertThat(m.misShaped())
                    .containsExactly(
                        "embeddings.position_embedding: found F32[1, 17, 64], expected float [1, 37, 64]");
                assertThat(m.getMessage())
                    .doesNotContain("\n")
                    .contains("2 missing", "3 unexpected", "1 mis-shaped");
              });
    }
  }

  @Test
  void refusesACheckpointWithoutAVisionTower() {
    Path p = tmp.resolve("empty.safetensors");
    new SafetensorsWriter().addF32("foo", new long[] {1}, new float[] {1}).write(p);
    try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(p)) {
      assertThatThrownBy(() -> InternVit.fromTensors(CONFIG, c, null, Device.cpu()))
          .isInstanceOf(CheckpointMismatchException.class)
          .hasMessageContaining("missing: embeddings.class_embedding");
    }
  }
}
