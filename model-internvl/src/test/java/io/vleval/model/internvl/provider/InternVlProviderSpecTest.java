package io.vleval.model.internvl.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.api.djl.TrainableBackbone;
import io.vleval.api.model.BackboneShape;
import io.vleval.api.model.BlockFeatureExtractor;
import io.vleval.api.model.CaptionGenerator;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.DenseFeatureExtractor;
import io.vleval.api.model.DenseFeatures;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.Model;
import io.vleval.api.model.MultipleChoiceChat;
import io.vleval.api.model.TextEmbedder;
import io.vleval.api.model.VideoEmbedder;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.RgbImage;
import io.vleval.model.internvl.InternVlCases;
import io.vleval.testkit.FixtureTest;
import io.vleval.testkit.SpecYaml;
import io.vleval.testkit.fake.FakeImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spec defaults and refusals, capabilities per checkpoint kind and head, provenance, and memory.
 */
class InternVlProviderSpecTest {

  @TempDir Path temp;

  InternVlSpec bind(String yaml) {
    return new SpecYaml(temp).bind(InternVlSpec.class, yaml);
  }

  @Test
  void defaultsAreMeaningful() {
    InternVlSpec spec = new InternVlSpec(null, "tiny", null, null, null, null, null, null);
    assertThat(spec.device()).isEqualTo("auto");
    assertThat(spec.dtype()).isEqualTo(InternVlSpec.Dtype.FLOAT32);
    assertThat(spec.batchSize()).isEqualTo(8);
    assertThat(spec.head()).isEqualTo(InternVlSpec.Head.C);
    assertThat(new InternVlProvider().capabilities(spec))
        .containsExactlyInAnyOrder(
            ImageEmbedder.class,
            DenseFeatureExtractor.class,
            BlockFeatureExtractor.class,
            TrainableBackbone.class,
            VideoEmbedder.class);
  }

  @Test
  void refusesWhatItCannotDoNamingTheKey() {
    assertThatThrownBy(() -> bind("preset: tiny\ndtype: bfloat16\n"))
        .hasMessageContaining("'dtype' = bfloat16")
        .hasMessageContaining("use float16");
    assertThatThrownBy(() -> bind("preset: tiny\ncheckpoint: .\n"))
        .hasMessageContaining("either 'checkpoint' or 'preset'");
    assertThatThrownBy(() -> bind("preset: huge\n"))
        .hasMessageContaining("'preset' = 'huge'")
        .hasMessageContaining("tiny-chat");
    assertThatThrownBy(() -> bind("checkpoint: nowhere\n")).hasMessageContaining("checkpoint");
    assertThatThrownBy(() -> bind("preset: tiny\nbatch_size: 0\n"))
        .hasMessageContaining("batch_size");
  }

  @Test
  void aModelNamesItsWeightsRandomOnesOnlyByPreset() {
    // no silent fallback to random weights: a model named like a real one would score at chance
    for (String yaml :
        new String[] {"device: cpu\n", "checkpoint: null\n", "checkpoint: ~\npreset: ~\n"}) {
      assertThatThrownBy(() -> bind(yaml))
          .as(yaml)
          .hasMessageContaining("neither 'checkpoint' nor 'preset' is set")
          .hasMessageContaining("give 'checkpoint' (a HuggingFace-layout checkpoint folder)")
          .hasMessageContaining("'preset' (one of tiny, ");
    }
    // an empty checkpoint is not the config's own folder
    assertThatThrownBy(() -> bind("checkpoint: \"\"\n"))
        .hasMessageContaining("'checkpoint'")
        .hasMessageContaining("is an empty path");
    assertThat(bind("preset: tiny\n").preset()).isEqualTo("tiny");
  }

  /** Every case of the fixture root, by kind: what its config.json makes of it, per head. */
  @FixtureTest
  @TestFactory
  Stream<DynamicTest> capabilitiesComeFromTheConfigAndTheHead() {
    InternVlProvider p = new InternVlProvider();
    Stream<DynamicTest> vision =
        DynamicTest.stream(
            InternVlCases.of(InternVlCases.Kind.VISION).stream(),
            c -> "vision " + c,
            c -> {
              InternVlSpec spec = bind("checkpoint: " + c.dir() + "\n");
              assertThat(p.capabilities(spec))
                  .containsExactlyInAnyOrder(
                      ImageEmbedder.class,
                      DenseFeatureExtractor.class,
                      BlockFeatureExtractor.class,
                      TrainableBackbone.class,
                      VideoEmbedder.class);
              assertThat(p.backboneShape(spec)).contains(shape(c.config()));
            });
    Stream<DynamicTest> contrastive =
        DynamicTest.stream(
            InternVlCases.of(InternVlCases.Kind.CONTRASTIVE).stream(),
            c -> "InternVL-C/-G " + c,
            c -> {
              InternVlSpec spec = bind("checkpoint: " + c.dir() + "\n");
              assertThat(p.capabilities(spec))
                  .containsExactlyInAnyOrder(
                      ImageEmbedder.class,
                      TextEmbedder.class,
                      VideoEmbedder.class,
                      DenseFeatureExtractor.class,
                      BlockFeatureExtractor.class,
                      TrainableBackbone.class);
              assertThat(p.backboneShape(spec)).contains(shape(c.config().path("vision_config")));
              assertThat(p.capabilities(bind("checkpoint: " + c.dir() + "\nhead: g\n")))
                  .contains(CaptionGenerator.class, TextEmbedder.class);
            });
    Stream<DynamicTest> chat =
        DynamicTest.stream(
            InternVlCases.of(InternVlCases.Kind.CHAT).stream(),
            c -> "InternVL-Chat " + c,
            c -> {
              InternVlSpec spec = bind("checkpoint: " + c.dir() + "\n");
              assertThat(p.capabilities(spec))
                  .containsExactlyInAnyOrder(
                      CaptionGenerator.class, MultipleChoiceChat.class, ImageChat.class);
              assertThat(p.backboneShape(spec)).isEmpty();
            });
    return Stream.of(vision, contrastive, chat).flatMap(t -> t);
  }

  /** The InternViT shape a {@code config.json} (or its {@code vision_config}) declares. */
  private static BackboneShape shape(JsonNode vit) {
    return new BackboneShape(
        vit.path("num_hidden_layers").asInt(),
        vit.path("hidden_size").asInt(),
        vit.path("patch_size").asInt(),
        vit.path("image_size").asInt());
  }

  static List<InternVlCases.Case> visionCases() {
    return InternVlCases.of(InternVlCases.Kind.VISION);
  }

  @FixtureTest
  @ParameterizedTest(name = "{0}")
  @MethodSource("visionCases")
  void loadsAVisionCheckpointAndRecordsWeightsChecksumEngineAndDevice(InternVlCases.Case c)
      throws Exception {
    Path dir = c.dir();
    int grid = c.config().path("image_size").asInt() / c.config().path("patch_size").asInt();
    int width = c.config().path("hidden_size").asInt();
    try (Model model =
        new InternVlProvider()
            .load(
                bind("checkpoint: " + dir + "\ndevice: cpu\nbatch_size: 2\n"),
                new PluginContext(0, temp, 1))) {
      String sha =
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(Files.readAllBytes(dir.resolve("model.safetensors"))));
      assertThat(model.info().checksum()).isEqualTo(sha);
      assertThat(model.info().engine()).startsWith("PyTorch 2.7.1 (DJL 0.36.0");
      assertThat(model.info().device()).isEqualTo("cpu");
      List<DenseFeatures> dense =
          model
              .require(DenseFeatureExtractor.class)
              .extract(
                  List.of(
                      FakeImages.solid(1, 30), FakeImages.solid(2, 70), FakeImages.solid(3, 56)));
      assertThat(dense)
          .hasSize(3)
          .allSatisfy(
              f -> {
                assertThat(f.gridHeight()).isEqualTo(grid);
                assertThat(f.channels()).isEqualTo(width);
              });
      float[][] e =
          model
              .require(ImageEmbedder.class)
              .embedImages(
                  List.of(
                      FakeImages.solid(1, 30), FakeImages.solid(2, 70), FakeImages.solid(3, 56)),
                  ImageView.SQUASH);
      // batching (2 + 1) does not change results
      float[] alone =
          model.require(ImageEmbedder.class)
              .embedImages(List.of(FakeImages.solid(3, 56)), ImageView.SQUASH)[0];
      assertThat(e[2]).usingComparatorWithPrecision(1e-5f).containsExactly(alone);
    }
  }

  @Test
  void float16ComputesEveryCapabilityCloseToFloat32AndSaysSo() {
    String cg = "preset: tiny-internvl\nhead: g\nbatch_size: 2\n";
    List<RgbImage> images =
        List.of(FakeImages.solid(1, 40), FakeImages.solid(2, 70), FakeImages.solid(3, 56));
    List<String> texts = List.of("a red circle", "两个方块", "x");
    try (Model full = new InternVlProvider().load(bind(cg), new PluginContext(0, temp, 1));
        Model half =
            new InternVlProvider()
                .load(bind(cg + "dtype: float16\n"), new PluginContext(0, temp, 1))) {
      assertThat(full.info().engine()).doesNotContain("float16");
      assertThat(half.info().engine()).endsWith(", float16 compute");
      float[][] a = full.require(ImageEmbedder.class).embedImages(images, ImageView.SQUASH);
      float[][] b = half.require(ImageEmbedder.class).embedImages(images, ImageView.SQUASH);
      float[][] ta = full.require(TextEmbedder.class).embedTexts(texts);
      float[][] tb = half.require(TextEmbedder.class).embedTexts(texts);
      for (int i = 0; i < 3; i++) {
        assertThat(cosine(a[i], b[i])).as("image %d", i).isGreaterThan(0.999).isLessThan(1.0);
        assertThat(cosine(ta[i], tb[i])).as("text %d", i).isGreaterThan(0.999);
      }
      DenseFeatures dense =
          half.require(DenseFeatureExtractor.class).extract(images.subList(0, 1)).get(0);
      assertThat(dense.channels()).isEqualTo(64);
      assertThat(
              half.require(CaptionGenerator.class)
                  .caption(
                      images.subList(0, 1),
                      "English caption:",
                      new GenerationSettings(2, 1, 3, 1.0)))
          .hasSize(1);
    }
    String chat = "preset: tiny-chat\n";
    List<ChatRequest> questions =
        List.of(new ChatRequest(FakeImages.solid(4, 90), "A or B?", List.of("A", "B")));
    try (Model full = new InternVlProvider().load(bind(chat), new PluginContext(0, temp, 1));
        Model half =
            new InternVlProvider()
                .load(bind(chat + "dtype: float16\n"), new PluginContext(0, temp, 1))) {
      assertThat(
              half.require(MultipleChoiceChat.class)
                  .answer(questions, GenerationSettings.greedy(3)))
          .isEqualTo(
              full.require(MultipleChoiceChat.class)
                  .answer(questions, GenerationSettings.greedy(3)));
    }
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  @Test
  void batchesReleaseEveryArray() {
    try (NDManager probe = NDManager.newBaseManager("PyTorch");
        Model cg =
            new InternVlProvider()
                .load(
                    bind("preset: tiny-internvl\nhead: g\nbatch_size: 2\n"),
                    new PluginContext(1, temp, 1));
        Model chat =
            new InternVlProvider()
                .load(bind("preset: tiny-chat\n"), new PluginContext(1, temp, 1))) {
      NDManager engine = probe.getParentManager();
      int before = engine.getManagedArrays().size();
      for (int i = 0; i < 3; i++) {
        cg.require(ImageEmbedder.class)
            .embedImages(
                List.of(
                    FakeImages.solid(i, 40),
                    FakeImages.solid(i + 1, 20),
                    FakeImages.solid(i + 2, 33)),
                ImageView.SHORTER_SIDE_CENTER_CROP);
        cg.require(TextEmbedder.class).embedTexts(List.of("a red circle", "两个方块", "x"));
        cg.require(CaptionGenerator.class)
            .caption(
                List.of(FakeImages.solid(i, 30)),
                "English caption:",
                new GenerationSettings(2, 1, 3, 1.0));
        cg.require(DenseFeatureExtractor.class).extract(List.of(FakeImages.solid(i, 30)));
        chat.require(MultipleChoiceChat.class)
            .answer(
                List.of(
                    new ChatRequest(FakeImages.solid(i, 90), "A or B?", List.of("A", "B")),
                    new ChatRequest(null, "no image", List.of())),
                GenerationSettings.greedy(3));
        assertThat(engine.getManagedArrays()).as("live arrays after round %d", i).hasSize(before);
      }
    }
  }
}
