package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.config.TaskEntry;
import io.vleval.api.model.Capability;
import io.vleval.api.model.CaptionGenerator;
import io.vleval.api.model.DenseFeatureExtractor;
import io.vleval.api.model.MultipleChoiceChat;
import io.vleval.api.model.TextEmbedder;
import io.vleval.core.config.ConfigLoader;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticSuite;
import io.vleval.model.internvl.provider.InternVlProvider;
import io.vleval.model.internvl.provider.InternVlSpec;
import io.vleval.tasks.segmentation.SegmentationProvider;
import io.vleval.testkit.FixtureCases;
import io.vleval.testkit.FixtureTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configs for the paper's real benchmarks in {@code examples/} validate with {@code vleval
 * validate}, run as users run it (a separate JVM with {@code DATA} and {@code CKPT} set), against a
 * synthetic tree in the public layouts standing in for the data and configs of the fixture root's
 * InternVL cases standing in for the checkpoints: for each checkpoint the examples name, the first
 * case (in folder order) that has the capabilities the examples ask of it, as the {@code internvl}
 * plugin reads them from the case's config.json.
 */
@FixtureTest
class ExamplesTest {

  @TempDir static Path temp;
  static Path data;
  static Path ckpt;

  @BeforeAll
  static void standIns() throws IOException {
    Path suite = temp.resolve("suite");
    new SyntheticSuite(1, Scale.TINY).write(suite, 2);
    data = Files.createDirectories(temp.resolve("data"));
    link(data.resolve("imagenet/train"), suite.resolve("classification/train"));
    link(data.resolve("imagenet/val"), suite.resolve("classification/val"));
    link(data.resolve("imagenet/classnames.json"), suite.resolve("classification/classnames.json"));
    // an ImageNet-R stand-in: a subset of the classes, listed by folder name
    Path imagenetR = Files.createDirectories(data.resolve("imagenet-r"));
    for (String folder : List.of("red_circle", "blue_square", "green_triangle")) {
      link(imagenetR.resolve(folder), suite.resolve("classification/val").resolve(folder));
    }
    Files.writeString(imagenetR.resolve("wnids.txt"), "red_circle\nblue_square\ngreen_triangle\n");
    imagenetVariants(suite.resolve("classification/val"));
    link(data.resolve("ADEChallengeData2016"), suite.resolve("ADEChallengeData2016"));
    for (String kinetics : List.of("kinetics400", "kinetics600", "kinetics700")) {
      link(data.resolve(kinetics + "/val.csv"), suite.resolve("kinetics/val.csv"));
      link(data.resolve(kinetics + "/videos/val"), suite.resolve("kinetics/videos/val"));
    }
    link(data.resolve("MSRVTT"), suite.resolve("msrvtt"));
    link(
        data.resolve("flickr30k/dataset_flickr30k.json"),
        suite.resolve("captions/dataset_coco.json"));
    link(data.resolve("flickr30k/flickr30k-images"), suite.resolve("captions"));
    link(data.resolve("coco"), suite.resolve("captions"));
    link(
        data.resolve("nocaps/nocaps_val_4500_captions.json"),
        suite.resolve("captions/captions_test.json"));
    link(data.resolve("nocaps/images"), suite.resolve("captions"));
    link(data.resolve("mmbench/MMBench_DEV_EN.tsv"), suite.resolve("mmbench/mmbench_dev_en.tsv"));
    link(data.resolve("xtd"), suite.resolve("xtd"));
    link(data.resolve("pope"), suite.resolve("pope"));
    link(data.resolve("mme"), suite.resolve("mme"));
    link(data.resolve("scienceqa"), suite.resolve("scienceqa"));
    link(data.resolve("mm-vet"), suite.resolve("mmvet"));
    for (String vqa : List.of("vqav2", "textvqa", "vizwiz", "gqa")) {
      link(data.resolve(vqa), suite.resolve(vqa));
    }
    ckpt = Files.createDirectories(temp.resolve("ckpt"));
    // a vision tower: image embedding and dense features, no text
    checkpoint(
        "InternViT-6B-224px",
        standIn(
            "internvl/vision",
            c -> c.contains(DenseFeatureExtractor.class) && !c.contains(TextEmbedder.class),
            null));
    // InternVL-C/-G: text embedding with head c, captioning with head g
    checkpoint(
        "InternVL-14B-224px",
        standIn(
            "internvl/contrastive",
            c -> c.contains(CaptionGenerator.class) && c.contains(TextEmbedder.class),
            InternVlSpec.Head.G));
    checkpoint(
        "InternVL-Chat", standIn("internvl/chat", c -> c.contains(MultipleChoiceChat.class), null));
    // InternVL2 / 2.5: InternLM2 from the fixture root, Qwen2 from model-internvl's release cases
    checkpoint(
        "InternVL2-2B", standIn("internvl/chat", c -> c.contains(MultipleChoiceChat.class), null));
    Path releases =
        Path.of(
            System.getProperty("vleval.repoRoot"),
            "model-internvl/src/test/resources/fixtures/internvl_releases");
    checkpoint("InternVL2-1B", releases.resolve("qwen2-tied/config.json"));
    checkpoint("InternVL2_5-1B", releases.resolve("qwen25-untied-f16/config.json"));
  }

  /**
   * Stand-ins for the linear probe's domain-generalisation sets: ImageNet-ReaL's {@code real.json}
   * (one list of accepted labels per val image, in file-name order), ImageNetV2's class folders
   * named by label index with {@code wnids.txt} naming them, and ImageNet-A and -Sketch trees
   * (class folders of the val split; ImageNet-A with a subset of them).
   */
  private static void imagenetVariants(Path val) throws IOException {
    List<String> folders;
    try (Stream<Path> s = Files.list(val)) {
      folders = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
    Files.write(data.resolve("imagenet/wnids.txt"), folders);
    List<String> images = new ArrayList<>();
    Map<String, Integer> label = new HashMap<>();
    for (int c = 0; c < folders.size(); c++) {
      link(
          data.resolve("imagenetv2/ImageNetV2-matched-frequency").resolve(Integer.toString(c)),
          val.resolve(folders.get(c)));
      link(data.resolve("imagenet-sketch").resolve(folders.get(c)), val.resolve(folders.get(c)));
      if (c % 4 == 0) {
        link(data.resolve("imagenet-a").resolve(folders.get(c)), val.resolve(folders.get(c)));
      }
      try (Stream<Path> s = Files.list(val.resolve(folders.get(c)))) {
        for (Path f : s.toList()) {
          images.add(f.getFileName().toString());
          label.put(f.getFileName().toString(), c);
        }
      }
    }
    images.sort(null);
    StringBuilder real = new StringBuilder("[");
    for (int i = 0; i < images.size(); i++) {
      real.append(i == 0 ? "[" : ",[").append(label.get(images.get(i))).append(']');
    }
    Files.writeString(data.resolve("imagenet/real.json"), real.append("]\n"));
  }

  /**
   * The config.json of the first InternVL case of the fixture root whose capabilities (with the
   * given head) pass the test; fails when there is none (unless the root lacks the kind).
   */
  private static Path standIn(
      String kind, Predicate<Set<Class<? extends Capability>>> fits, InternVlSpec.Head head) {
    FixtureCases cases = FixtureCases.of();
    InternVlProvider provider = new InternVlProvider();
    List<String> found = new ArrayList<>();
    for (Path dir : cases.folders("internvl")) {
      if (Files.isRegularFile(dir.resolve("config.json"))
          && fits.test(
              provider.capabilities(
                  new InternVlSpec(dir, null, null, null, null, head, null, null)))) {
        found.add(cases.relative(dir));
      }
    }
    return cases.root().resolve(cases.require(kind, found).get(0)).resolve("config.json");
  }

  private static void link(Path at, Path target) throws IOException {
    Files.createDirectories(at.getParent());
    Files.createSymbolicLink(at, target);
  }

  private static void checkpoint(String name, Path config) throws IOException {
    Path dir = Files.createDirectories(ckpt.resolve(name));
    Files.copy(config, dir.resolve("config.json"));
  }

  private record Proc(int exit, String out) {}

  private static Proc validate(List<Path> files) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.vleval.cli.Main",
                "validate"));
    files.forEach(f -> command.add(f.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("DATA", data.toString());
    pb.environment().put("CKPT", ckpt.toString());
    // examples/scale.yaml reads a suite written by vleval synth; the tiny one has its layout
    pb.environment().put("SCALE_SUITE", temp.resolve("suite").toString());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Proc(p.exitValue(), out);
  }

  static List<Path> benchmarkConfigs() throws IOException {
    Path dir = Path.of(System.getProperty("vleval.repoRoot"), "examples");
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml"))
          .filter(f -> !f.getFileName().toString().startsWith("quickstart") && !trainingConfig(f))
          .sorted()
          .toList();
    }
  }

  /**
   * A training recipe ({@code vleval train}: top-level {@code stages:}), which TrainExamplesTest
   * checks.
   */
  private static boolean trainingConfig(Path file) {
    try {
      return Files.readAllLines(file).stream().anyMatch(l -> l.startsWith("stages:"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyBenchmarkConfigValidates() throws Exception {
    List<Path> configs = benchmarkConfigs();
    assertThat(configs)
        .extracting(p -> p.getFileName().toString())
        .contains(
            "imagenet-linear-probe.yaml",
            "imagenet-linear-probe-dg.yaml",
            "imagenet-linear-probe-few-shot.yaml",
            "imagenet-zero-shot.yaml",
            "ade20k-linear-probe.yaml",
            "ade20k-head-tuning.yaml",
            "ade20k-full-tuning.yaml",
            "ade20k-few-shot.yaml",
            "kinetics400-zero-shot.yaml",
            "kinetics600-zero-shot.yaml",
            "kinetics700-zero-shot.yaml",
            "msrvtt-retrieval.yaml",
            "flickr30k-coco-retrieval.yaml",
            "coco-nocaps-captioning.yaml",
            "mmbench.yaml",
            "pope-mme.yaml",
            "scienceqa.yaml",
            "vqa.yaml",
            "mmbench-openai.yaml",
            "internvl2-mmbench.yaml",
            "internvl2-captioning.yaml",
            "mmvet.yaml");
    Proc r = validate(configs);
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out().lines().filter(l -> l.endsWith(")") && l.contains(": ok (")).count())
        .isEqualTo(configs.size());
  }

  /**
   * On InternViT-6B's shape (48 blocks of 3200 channels, 14 px patches), the ADE20K examples
   * resolve to the reference configs' settings: block 44 for linear probing, 11/23/35/47 for head
   * tuning and full tuning, the last block for few-shot, 504 px crops at stride 322, the 2016 x 504
   * scale, and 80k iterations (the few-shot configs' 5k to 80k); full tuning and the few-shot rows
   * fine-tune the backbone (layer-wise decay 0.95, drop path 0.4, weight decay 0.05), full tuning
   * with its auxiliary head on level 2; every row records the reference protocol.
   */
  @Test
  void theAde20kExamplesResolveToTheReferenceSettingsOnInternVit6b() {
    ConfigLoader loader =
        new ConfigLoader(
            PluginRegistry.discover(ExamplesTest.class.getClassLoader()),
            name ->
                switch (name) {
                  case "DATA" -> data.toString();
                  case "CKPT" -> ckpt.toString();
                  default -> null;
                });
    Path dir = Path.of(System.getProperty("vleval.repoRoot"), "examples");
    Map<String, List<SegmentationProvider.Spec>> specs = new HashMap<>();
    for (String file :
        List.of(
            "ade20k-linear-probe.yaml",
            "ade20k-head-tuning.yaml",
            "ade20k-full-tuning.yaml",
            "ade20k-few-shot.yaml")) {
      for (TaskEntry t : loader.load(dir.resolve(file)).tasks()) {
        specs
            .computeIfAbsent(file, f -> new ArrayList<>())
            .add((SegmentationProvider.Spec) t.spec());
      }
    }
    SegmentationProvider.Spec linear = specs.get("ade20k-linear-probe.yaml").get(0);
    SegmentationProvider.Spec upernet = specs.get("ade20k-head-tuning.yaml").get(0);
    SegmentationProvider.Spec full = specs.get("ade20k-full-tuning.yaml").get(0);
    List<SegmentationProvider.Spec> fewShot = specs.get("ade20k-few-shot.yaml");
    assertThat(linear.headBlocks(48)).containsExactly(44);
    assertThat(linear.trainsBackbone()).isFalse();
    assertThat(linear.weightDecay()).isZero();
    assertThat(upernet.headBlocks(48)).containsExactly(11, 23, 35, 47);
    assertThat(upernet.headChannels()).isEqualTo(1536);
    assertThat(upernet.trainsBackbone()).isFalse();
    assertThat(upernet.auxiliaryLevel()).isEqualTo(1);
    assertThat(full.headBlocks(48)).containsExactly(11, 23, 35, 47);
    assertThat(full.headChannels()).isEqualTo(1536);
    assertThat(full.trainsBackbone()).isTrue();
    assertThat(full.auxiliaryLevel()).isEqualTo(2);
    for (SegmentationProvider.Spec s : List.of(linear, upernet, full)) {
      assertThat(s.protocol()).isEqualTo("reference");
      int crop = s.crop(14);
      assertThat(crop).isEqualTo(504);
      assertThat(s.stride(crop)).isEqualTo(322);
      assertThat(s.scale(crop)).containsExactly(2016, 504);
      assertThat(s.iterations()).isEqualTo(80_000);
      assertThat(s.warmupIterations()).isEqualTo(1_500);
      assertThat(s.batchSize()).isEqualTo(16);
      assertThat(s.learningRate()).isEqualTo(4e-5);
    }
    assertThat(fewShot)
        .extracting(SegmentationProvider.Spec::iterations)
        .containsExactly(5_000, 10_000, 20_000, 40_000, 80_000);
    assertThat(fewShot)
        .extracting(SegmentationProvider.Spec::warmupIterations)
        .containsExactly(100, 200, 400, 800, 1_500);
    assertThat(fewShot).allSatisfy(s -> assertThat(s.headBlocks(48)).containsExactly(47));
    for (SegmentationProvider.Spec s : concat(List.of(full), fewShot)) {
      assertThat(s.protocol()).isEqualTo("reference");
      assertThat(s.trainsBackbone()).isTrue();
      assertThat(s.layerDecayRate()).isEqualTo(0.95);
      assertThat(s.dropPathRate()).isEqualTo(0.4);
      assertThat(s.weightDecay()).isEqualTo(0.05);
    }
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  @Test
  void captioningOnAContrastiveHeadFailsValidationNamingBoth() throws Exception {
    Path config = temp.resolve("bad-captioning.yaml");
    Files.writeString(
        config,
        Files.readString(
                Path.of(
                    System.getProperty("vleval.repoRoot"),
                    "examples",
                    "coco-nocaps-captioning.yaml"))
            .replace("head: g", "head: c"));
    Proc r = validate(List.of(config));
    assertThat(r.exit()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(r.out())
        .contains(
            "task 'captioning-coco' (captioning) needs CaptionGenerator, which model 'internvl-g' "
                + "(internvl) does not have");
  }
}
