package io.vleval.datasets.loaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.LabelledVideo;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.sample.SegmentationPair;
import io.vleval.datasets.ade20k.Ade20kProvider;
import io.vleval.datasets.captions.CocoCaptionsProvider;
import io.vleval.datasets.captions.KarpathyProvider;
import io.vleval.datasets.imagefolder.ImageFolderProvider;
import io.vleval.datasets.kinetics.KineticsProvider;
import io.vleval.datasets.mmbench.MmbenchTsvProvider;
import io.vleval.datasets.synth.Motion;
import io.vleval.datasets.synth.SuiteFixture;
import io.vleval.datasets.synth.SyntheticSuite;
import io.vleval.datasets.synth.VideoClass;
import io.vleval.datasets.xtd.XtdProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each loader reads from the synthetic tree, and how it fails on broken input. */
class LoaderBehaviourTest {

  @TempDir Path temp;

  private final Path suite = SuiteFixture.tiny();

  private PluginContext context() {
    return new PluginContext(0, temp.resolve("cache"), 1);
  }

  private static <T extends Sample> List<T> all(Dataset<T> d) {
    List<T> out = new ArrayList<>();
    try (SampleCursor<T> c = d.samples()) {
      c.forEachRemaining(out::add);
    }
    return out;
  }

  private Path copyTree(Path from, String name) throws IOException {
    Path to = temp.resolve(name);
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }

  // ---- imagefolder ----

  @Test
  void imageFolderLabelsFollowSortedFoldersAndNamesComeFromTheMap() {
    Dataset<LabelledImage> d =
        new ImageFolderProvider()
            .open(
                new ImageFolderProvider.Spec(
                    suite.resolve("classification/val"),
                    suite.resolve("classification/classnames.json"),
                    null,
                    null),
                context());
    assertThat(d.info().classNames()).hasSize(12).startsWith("blue circle", "blue square");
    List<LabelledImage> samples = all(d);
    assertThat(samples).hasSize(12 * 4);
    LabelledImage first = samples.get(0);
    assertThat(first.id()).startsWith("blue_circle/");
    assertThat(first.label()).isZero();
    RgbImage image = first.image().load();
    assertThat(image.width() * image.height()).isGreaterThan(10_000);
    assertThat(samples.get(samples.size() - 1).label()).isEqualTo(11);
  }

  @Test
  void imageFolderSubsetKeepsTheListedClassesInTheirOrder() throws IOException {
    Path subset = temp.resolve("subset.txt");
    Files.writeString(subset, "red_square\nblue_circle\n");
    Dataset<LabelledImage> d =
        new ImageFolderProvider()
            .open(
                new ImageFolderProvider.Spec(
                    suite.resolve("classification/val"), null, subset, null),
                context());
    assertThat(d.info().classNames()).containsExactly("red_square", "blue_circle");
    assertThat(all(d))
        .hasSize(8)
        .allSatisfy(s -> assertThat(s.id()).matches("(red_square|blue_circle)/.*"));
    Files.writeString(subset, "red_square\npurple_circle\n");
    assertThatThrownBy(
            () ->
                new ImageFolderProvider()
                    .open(
                        new ImageFolderProvider.Spec(
                            suite.resolve("classification/val"), null, subset, null),
                        context()))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(
            subset
                + ": line 2: class folder 'purple_circle' does not exist under "
                + suite.resolve("classification/val"));
  }

  @Test
  void aCorruptImageFailsWhenLoadedWithItsFileNamed() throws IOException {
    Path root = copyTree(suite.resolve("classification/val"), "val");
    Path victim;
    try (Stream<Path> files = Files.list(root.resolve("green_circle"))) {
      victim = files.sorted().findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(victim);
    Files.write(victim, Arrays.copyOf(bytes, bytes.length / 3));
    Dataset<LabelledImage> d =
        new ImageFolderProvider()
            .open(new ImageFolderProvider.Spec(root, null, null, null), context());
    LabelledImage broken =
        all(d).stream()
            .filter(s -> s.image().origin().equals(victim.toString()))
            .findFirst()
            .orElseThrow();
    assertThatThrownBy(() -> broken.image().load())
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageStartingWith(victim.toString())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void wrongNumberOfClassNamesIsRefused() throws IOException {
    Path names = temp.resolve("names.txt");
    Files.writeString(names, "one\ntwo\n");
    assertThatThrownBy(
            () ->
                new ImageFolderProvider()
                    .open(
                        new ImageFolderProvider.Spec(
                            suite.resolve("classification/val"), names, null, null),
                        context()))
        .hasMessage(
            names
                + ": 2 class names for 12 class folders; a list must give one "
                + "name per class, in label order");
  }

  // ---- ade20k ----

  @Test
  void ade20kReducesZeroLabelAsMmsegmentationDoes() {
    Path ade = suite.resolve("ADEChallengeData2016");
    SegmentationPair reduced =
        all(new Ade20kProvider().open(new Ade20kProvider.Spec(ade, null, null, 3, null), context()))
            .get(0);
    SegmentationPair raw =
        all(new Ade20kProvider()
                .open(new Ade20kProvider.Spec(ade, null, false, 4, null), context()))
            .get(0);
    LabelMap r = reduced.labels().load();
    LabelMap o = raw.labels().load();
    Set<Integer> values = new HashSet<>();
    for (int i = 0; i < o.values().length; i++) {
      int before = o.values()[i] & 0xFF;
      int after = r.values()[i] & 0xFF;
      assertThat(after).isEqualTo(before == 0 ? 255 : before - 1);
      values.add(before);
    }
    assertThat(values).contains(0).hasSizeGreaterThan(1);
    RgbImage image = reduced.image().load();
    assertThat(image.width()).isEqualTo(r.width());
  }

  @Test
  void aMissingAnnotationIsNamed() throws IOException {
    Path ade = copyTree(suite.resolve("ADEChallengeData2016"), "ade");
    Files.delete(ade.resolve("annotations/validation/ADE_val_00000002.png"));
    SegmentationPair second =
        all(new Ade20kProvider().open(new Ade20kProvider.Spec(ade, null, null, 3, null), context()))
            .get(1);
    assertThatThrownBy(() -> second.labels().load())
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(
            ade.resolve("annotations/validation/ADE_val_00000002.png")
                + ": annotation file not found");
  }

  // ---- Karpathy / COCO captions ----

  @Test
  void karpathyReadsTheSplitWithItsCaptions() {
    List<CaptionedImage> test =
        all(
            new KarpathyProvider()
                .open(
                    new KarpathyProvider.Spec(
                        suite.resolve("captions/dataset_coco.json"), null, null),
                    context()));
    assertThat(test).hasSize(40).allSatisfy(s -> assertThat(s.captions()).hasSize(5));
    assertThat(test.get(0).id()).startsWith("images/synth_test_");
    assertThat(test.get(0).image().load().width()).isPositive();
    List<CaptionedImage> coco =
        all(
            new CocoCaptionsProvider()
                .open(
                    new CocoCaptionsProvider.Spec(
                        suite.resolve("captions/captions_test.json"), null),
                    context()));
    assertThat(coco).hasSize(40);
    assertThat(coco.get(0).captions()).isEqualTo(test.get(0).captions());
  }

  private Path karpathyFile(String images) throws IOException {
    Path file = temp.resolve("dataset_test.json");
    Files.writeString(file, "{\"images\": [" + images + "], \"dataset\": \"coco\"}");
    return file;
  }

  private static String image(String filepath, String filename) {
    return "{\"split\": \"test\", \"filepath\": \""
        + filepath
        + "\", \"filename\": \""
        + filename
        + "\", \"sentences\": [{\"raw\": \"a cat\"}]}";
  }

  @Test
  void annotationPathsCannotLeaveTheDatasetRoot() throws IOException {
    Files.createDirectories(temp.resolve("imgs"));
    Path file =
        karpathyFile(
            image("../..", "etc/passwd")
                + ", "
                + image("/etc", "passwd")
                + ", "
                + image("ok", "a.jpg"));
    Dataset<CaptionedImage> d =
        new KarpathyProvider()
            .open(new KarpathyProvider.Spec(file, temp.resolve("imgs"), null), context());
    try (SampleCursor<CaptionedImage> c = d.samples()) {
      assertThatThrownBy(c::next)
          .isInstanceOf(DatasetFormatException.class)
          .hasMessage(
              file
                  + ": image '../../etc/passwd': path '../../etc/passwd' leaves the dataset root "
                  + temp.resolve("imgs"));
      assertThatThrownBy(c::next)
          .isInstanceOf(DatasetFormatException.class)
          .hasMessageContaining("absolute path '/etc/passwd' is not allowed");
      CaptionedImage ok = c.next();
      assertThat(ok.id()).isEqualTo("ok/a.jpg");
      assertThatThrownBy(() -> ok.image().load())
          .hasMessage(temp.resolve("imgs/ok/a.jpg") + ": image file not found");
    }
  }

  @Test
  void malformedJsonIsRefusedWithItsLine() throws IOException {
    Path file = temp.resolve("broken.json");
    Files.writeString(file, "{\"images\": [\n  {\"split\": \"test\",, }\n]}");
    assertThatThrownBy(
            () ->
                new KarpathyProvider().open(new KarpathyProvider.Spec(file, null, null), context()))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageStartingWith(file + ": line 2, column ")
        .hasMessageContaining("invalid JSON");
  }

  @Test
  void anEntryWithoutCaptionsIsAPerSampleError() throws IOException {
    Path file =
        karpathyFile(
            "{\"split\": \"test\", \"filename\": \"x.jpg\", \"sentences\": []}, "
                + image("", "y.jpg"));
    Dataset<CaptionedImage> d =
        new KarpathyProvider().open(new KarpathyProvider.Spec(file, null, null), context());
    try (SampleCursor<CaptionedImage> c = d.samples()) {
      assertThatThrownBy(c::next)
          .isInstanceOf(DatasetFormatException.class)
          .hasMessage(
              file + ": images[0].sentences: 'sentences' is empty, expected at least one caption")
          .satisfies(e -> assertThat(((DatasetFormatException) e).sampleId()).isEqualTo("x.jpg"));
      assertThat(c.next().id()).isEqualTo("y.jpg");
    }
  }

  // ---- Kinetics ----

  private static double centroidX(RgbImage frame) {
    double sum = 0;
    int n = 0;
    for (int y = 0; y < frame.height(); y++) {
      for (int x = 0; x < frame.width(); x++) {
        int r = frame.channel(x, y, 0);
        int g = frame.channel(x, y, 1);
        int b = frame.channel(x, y, 2);
        if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 100) {
          sum += x;
          n++;
        }
      }
    }
    return sum / n;
  }

  @Test
  void kineticsSamplesFramesInOrder() {
    Dataset<LabelledVideo> d =
        new KineticsProvider()
            .open(
                new KineticsProvider.Spec(
                    suite.resolve("kinetics/val.csv"), suite.resolve("kinetics/videos/val"), null),
                context());
    // the Kinetics loader sorts labels; the suite's are its video classes, 2 clips each at tiny
    // scale
    assertThat(d.info().classNames())
        .containsExactlyElementsOf(
            SyntheticSuite.VIDEO_CLASSES.stream().map(VideoClass::label).sorted().toList());
    assertThat(d.info().warnings()).isEmpty();
    assertThat(all(d)).hasSize(2 * SyntheticSuite.VIDEO_CLASSES.size());
    String movingRight =
        SyntheticSuite.VIDEO_CLASSES.stream()
            .filter(c -> c.motion() == Motion.RIGHT)
            .findFirst()
            .orElseThrow()
            .label();
    int right = d.info().classNames().indexOf(movingRight);
    LabelledVideo clip = all(d).stream().filter(v -> v.label() == right).findFirst().orElseThrow();
    List<RgbImage> frames = clip.video().frames(8);
    assertThat(frames).hasSize(8);
    assertThat(frames.get(0).width()).isEqualTo(112);
    assertThat(centroidX(frames.get(7))).isGreaterThan(centroidX(frames.get(0)) + 10);
  }

  @Test
  void truncatedAndMissingVideos() throws IOException {
    Path videos = copyTree(suite.resolve("kinetics/videos/val"), "videos");
    List<Path> files;
    try (Stream<Path> list = Files.list(videos)) {
      files = list.sorted().toList();
    }
    byte[] bytes = Files.readAllBytes(files.get(0));
    Files.write(files.get(0), Arrays.copyOf(bytes, 200));
    Files.delete(files.get(1));
    Dataset<LabelledVideo> d =
        new KineticsProvider()
            .open(
                new KineticsProvider.Spec(suite.resolve("kinetics/val.csv"), videos, null),
                context());
    assertThat(d.info().warnings())
        .containsExactly(
            "1 of " + (files.size()) + " clips listed in val.csv are missing under " + videos);
    assertThat(d.info().size()).isEqualTo(files.size() - 1);
    String truncatedId = files.get(0).getFileName().toString().replace(".mp4", "");
    LabelledVideo truncated =
        all(d).stream().filter(v -> v.id().equals(truncatedId)).findFirst().orElseThrow();
    assertThatThrownBy(() -> truncated.video().frames(8))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageStartingWith(files.get(0).toString() + ": ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void badCsvRowsAreNamed() throws IOException {
    Path csv = temp.resolve("val.csv");
    Files.writeString(csv, "label,youtube_id,time_start,time_end,split\ngrowing,abc,ten,20,val\n");
    Dataset<LabelledVideo> d =
        new KineticsProvider().open(new KineticsProvider.Spec(csv, temp, null), context());
    try (SampleCursor<LabelledVideo> c = d.samples()) {
      assertThatThrownBy(c::next)
          .isInstanceOf(DatasetFormatException.class)
          .hasMessage(
              csv
                  + ": row 1 (line 2): time_start is 'ten', expected a whole number of seconds"
                  + " from 0");
    }
  }

  // ---- MMBench ----

  @Test
  void circularVariantsShareTheirImageAndGroup() {
    List<MultipleChoiceQuestion> rows =
        all(
            new MmbenchTsvProvider()
                .open(
                    new MmbenchTsvProvider.Spec(suite.resolve("mmbench/mmbench_dev_en.tsv")),
                    context()));
    MultipleChoiceQuestion base = rows.get(0);
    List<MultipleChoiceQuestion> variants =
        rows.stream().filter(q -> q.questionIndex().equals(base.questionIndex())).toList();
    assertThat(variants).hasSize(base.options().size());
    RgbImage image = base.image().load();
    for (MultipleChoiceQuestion v : variants) {
      assertThat(v.image().load().rgb()).isEqualTo(image.rgb());
      assertThat(v.options().get(v.answer().charAt(0) - 'A'))
          .isEqualTo(base.options().get(base.answer().charAt(0) - 'A'));
      assertThat(v.category()).isEqualTo(base.category());
    }
  }

  @Test
  void malformedTsvRowsArePerSampleErrorsAndTheCursorGoesOn() throws IOException {
    Path tsv = temp.resolve("mm.tsv");
    String header =
        "index\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\tl2-category\tsplit\timage\n";
    Files.writeString(
        tsv,
        header
            + "0\tWhich?\t\tonly\t\t\t\tA\tc\tl2\tdev\t7\n"
            + "1\tWhich?\t\tx\ty\t\t\tC\tc\tl2\tdev\t7\n"
            + "2\tWhich?\t\tx\ty\t\t\tB\tc\tl2\tdev\t0\n"
            + "3\tWhich?\t\tx\ty\t\t\tA\tc\tl2\tdev\tnot-base64!\n");
    Dataset<MultipleChoiceQuestion> d =
        new MmbenchTsvProvider().open(new MmbenchTsvProvider.Spec(tsv), context());
    try (SampleCursor<MultipleChoiceQuestion> c = d.samples()) {
      assertThatThrownBy(c::next)
          .hasMessage(tsv + ": row 1 (index 0): fewer than two options (columns A, B...)");
      assertThatThrownBy(c::next)
          .hasMessage(tsv + ": row 2 (index 1): answer 'C' is not one of the 2 option letters");
      assertThatThrownBy(c::next)
          .hasMessage(
              tsv
                  + ": row 3 (index 2): image refers to row index 0, which has no image of its own");
      MultipleChoiceQuestion last = c.next();
      assertThatThrownBy(() -> last.image().load())
          .isInstanceOf(DatasetFormatException.class)
          .hasMessageStartingWith(tsv + ": row 4 (index 3): image is not valid base64");
      assertThat(c.hasNext()).isFalse();
    }
  }

  // ---- XTD ----

  @Test
  void xtdReadsEachLanguage() {
    List<CaptionedImage> zh =
        all(
            new XtdProvider()
                .open(new XtdProvider.Spec(suite.resolve("xtd"), null, "zh"), context()));
    List<CaptionedImage> en =
        all(
            new XtdProvider()
                .open(new XtdProvider.Spec(suite.resolve("xtd"), null, null), context()));
    assertThat(zh).hasSize(30);
    assertThat(zh.get(0).captions().get(0)).matches(".*[\\u4e00-\\u9fff].*");
    assertThat(en.get(0).captions().get(0)).startsWith("a ");
    assertThat(zh.get(0).id()).isEqualTo(en.get(0).id());
  }

  @Test
  void misalignedXtdFilesAreRefused() throws IOException {
    Path root = copyTree(suite.resolve("xtd"), "xtd");
    Files.writeString(root.resolve("test_1kcaptions_en.txt"), "just one caption\n");
    assertThatThrownBy(
            () -> new XtdProvider().open(new XtdProvider.Spec(root, null, null), context()))
        .hasMessage(
            root.resolve("test_1kcaptions_en.txt")
                + ": 1 captions for 30 images in test_image_names.txt; "
                + "the files must align line by line");
  }
}
