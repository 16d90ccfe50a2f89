package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.datasets.captions.KarpathyProvider;
import io.vleval.datasets.imagefolder.ImageFolderProvider;
import io.vleval.datasets.mmbench.MmbenchTsvProvider;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SuiteSize;
import io.vleval.datasets.synth.SyntheticSuite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale suite ({@code vleval synth --scale large}) at a 500th of its size: every part that
 * {@code examples/scale.yaml} and the MMBench task read is read by the real loader of its layout,
 * at the size the scale asks for, and {@code examples/scale.yaml} validates against it as users run
 * it (a separate JVM with {@code SCALE_SUITE} set).
 */
class ScaleSuiteTest {

  private static final SuiteSize SIZE = Scale.LARGE.size().dividedBy(500);
  private static final int CLASSES = SyntheticSuite.classFolders().size();

  @TempDir static Path temp;
  static Path suite;

  @BeforeAll
  static void write() {
    suite = temp.resolve("scale");
    new SyntheticSuite(0, SIZE).write(suite, 2);
  }

  @Test
  void theLargeScaleHasImageNetAndCocoSizes() {
    SuiteSize large = Scale.LARGE.size();
    assertThat((long) CLASSES * large.classTrainPerClass()).isGreaterThanOrEqualTo(100_000);
    assertThat(large.captionTest()).isEqualTo(5_000);
    assertThat(large.captionVal()).isEqualTo(5_000);
    assertThat(SIZE.classTrainPerClass()).isEqualTo(large.classTrainPerClass() / 500);
  }

  @Test
  void theImageFolderLoaderReadsBothSplitsWithEveryClass() throws IOException {
    Path cls = suite.resolve("classification");
    for (String split : List.of("train", "val")) {
      List<LabelledImage> images =
          read(
              new ImageFolderProvider(),
              new ImageFolderProvider.Spec(
                  cls.resolve(split), cls.resolve("classnames.json"), null, null),
              LabelledImage.class);
      int perClass = split.equals("train") ? SIZE.classTrainPerClass() : SIZE.classValPerClass();
      assertThat(images).as(split).hasSize(CLASSES * perClass);
      assertThat(images.stream().map(LabelledImage::label).distinct()).hasSize(CLASSES);
      for (LabelledImage image : images.subList(0, 3)) {
        assertThat(image.image().load().width()).isGreaterThanOrEqualTo(112);
      }
    }
  }

  @Test
  void theKarpathyLoaderReadsEverySplitWithFiveCaptionsAnImage() throws IOException {
    Path captions = suite.resolve("captions");
    for (String split : List.of("train", "val", "test")) {
      List<CaptionedImage> images =
          read(
              new KarpathyProvider(),
              new KarpathyProvider.Spec(
                  captions.resolve("dataset_coco.json"), captions, List.of(split)),
              CaptionedImage.class);
      int expected =
          switch (split) {
            case "train" -> SIZE.captionTrain();
            case "val" -> SIZE.captionVal();
            default -> SIZE.captionTest();
          };
      assertThat(images).as(split).hasSize(expected);
      assertThat(images).allSatisfy(i -> assertThat(i.captions()).hasSize(5));
      assertThat(images.get(0).image().load().height()).isGreaterThanOrEqualTo(112);
    }
  }

  @Test
  void theMmbenchLoaderReadsEveryQuestionWithItsCircularVariants() throws IOException {
    List<MultipleChoiceQuestion> rows =
        read(
            new MmbenchTsvProvider(),
            new MmbenchTsvProvider.Spec(suite.resolve("mmbench/mmbench_dev_en.tsv")),
            MultipleChoiceQuestion.class);
    assertThat(rows.stream().map(MultipleChoiceQuestion::questionIndex).distinct())
        .hasSize(SIZE.questions());
    assertThat(rows.size()).isGreaterThanOrEqualTo(2 * SIZE.questions());
  }

  @Test
  void theScaleExampleValidatesOnTheSuite() throws Exception {
    Path config = Path.of(System.getProperty("vleval.repoRoot"), "examples", "scale.yaml");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "io.vleval.cli.Main",
            "validate",
            config.toString());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("SCALE_SUITE", suite.toString());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("scale.yaml: ok (");
  }

  private static <S extends Record, T extends Sample> List<T> read(
      DatasetProvider<S> provider, S spec, Class<T> type) throws IOException {
    PluginContext context = new PluginContext(0, Files.createDirectories(temp.resolve("cache")), 1);
    List<T> out = new ArrayList<>();
    try (SampleCursor<?> cursor = provider.open(spec, context).samples()) {
      while (cursor.hasNext()) {
        out.add(type.cast(cursor.next()));
      }
    }
    return out;
  }
}
