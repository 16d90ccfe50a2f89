package io.vleval.datasets.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.error.VlevalException;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.sample.VisualQuestion;
import io.vleval.datasets.synth.SyntheticDatasetProvider.Part;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticSuiteTest {

  @TempDir Path temp;

  static String digest(Path root) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        md.update(root.relativize(f).toString().getBytes());
        md.update(Files.readAllBytes(f));
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  @Test
  void sameSeedSameBytesOtherSeedOtherBytes() throws Exception {
    new SyntheticSuite(3, Scale.TINY).write(temp.resolve("a"), 2);
    new SyntheticSuite(3, Scale.TINY).write(temp.resolve("b"), 1);
    new SyntheticSuite(4, Scale.TINY).write(temp.resolve("c"), 2);
    assertThat(digest(temp.resolve("b"))).isEqualTo(digest(temp.resolve("a")));
    assertThat(digest(temp.resolve("c"))).isNotEqualTo(digest(temp.resolve("a")));
  }

  /**
   * Version 3 redrew only the video part, from its own random stream: every other file is the bytes
   * version 2 wrote (this digest was taken from version 2's output for seed 3, tiny, over every
   * file but {@code suite.json}, whose version number changed, and {@code kinetics/}; {@code
   * msrvtt/} came in version 4). Version 2 had been checked the same way against version 1, so
   * every file of version 1 outside the video part is unchanged too.
   */
  @Test
  void everyFileOutsideTheVideoPartIsUnchanged() throws Exception {
    Path suite = temp.resolve("v3");
    new SyntheticSuite(3, Scale.TINY).write(suite, 2);
    Path v2 = temp.resolve("v2-files");
    try (Stream<Path> files = Files.walk(suite)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String rel = suite.relativize(f).toString();
        if (!rel.equals("suite.json")
            && !rel.startsWith("kinetics/")
            && !rel.startsWith("msrvtt/")
            && !addedInVersion5(rel)
            && !vqaPart(rel)
            && !addedInVersion6(rel)
            && !addedInVersion7(rel)) {
          Files.createDirectories(v2.resolve(rel).getParent());
          Files.copy(f, v2.resolve(rel));
        }
      }
    }
    assertThat(digest(v2))
        .isEqualTo("208beb31289a43f347e92e093d4d753cebd64e36713f52fb29ea42218b48b792");
  }

  /**
   * Version 4 added the MSR-VTT part, from its own random stream: every file of version 3 is the
   * bytes version 3 wrote (this digest was taken from version 3's output for seed 3, tiny, over
   * every file but {@code suite.json}, whose version number changed).
   */
  @Test
  void everyFileOfVersion3IsUnchanged() throws Exception {
    Path suite = temp.resolve("v4");
    new SyntheticSuite(3, Scale.TINY).write(suite, 2);
    Path v3 = temp.resolve("v3-files");
    try (Stream<Path> files = Files.walk(suite)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String rel = suite.relativize(f).toString();
        if (!rel.equals("suite.json")
            && !rel.startsWith("msrvtt/")
            && !addedInVersion5(rel)
            && !vqaPart(rel)
            && !addedInVersion6(rel)
            && !addedInVersion7(rel)) {
          Files.createDirectories(v3.resolve(rel).getParent());
          Files.copy(f, v3.resolve(rel));
        }
      }
    }
    assertThat(digest(v3))
        .isEqualTo("4672bf02d0d3e9e241329d1918fbdd51e3301c17b27bfebd61d42496db7e56f4");
    assertThat(Files.readString(suite.resolve("suite.json")))
        .contains("\"version\" : " + SyntheticSuite.VERSION);
    assertThat(suite.resolve("msrvtt/msrvtt_test1k.json")).exists();
    assertThat(suite.resolve("vqav2/v2_mscoco_val2014_annotations.json")).exists();
  }

  /**
   * Version 6 added the MM-Vet part, from its own random stream: every file of version 5 is the
   * bytes version 5 wrote (this digest was taken from version 5's output for seed 3, tiny, over
   * every file but {@code suite.json}, whose version number changed).
   */
  @Test
  void everyFileOfVersion5IsUnchanged() throws Exception {
    Path suite = temp.resolve("v6");
    new SyntheticSuite(3, Scale.TINY).write(suite, 2);
    Path v5 = temp.resolve("v5-files");
    try (Stream<Path> files = Files.walk(suite)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String rel = suite.relativize(f).toString();
        if (!rel.equals("suite.json") && !addedInVersion6(rel) && !addedInVersion7(rel)) {
          Files.createDirectories(v5.resolve(rel).getParent());
          Files.copy(f, v5.resolve(rel));
        }
      }
    }
    assertThat(digest(v5))
        .isEqualTo("59d9afa0982f04f3390950f39b91cac1866868d37ba648aa96d6b36bf6f0cb0e");
  }

  /**
   * Version 7 added the questions about the training images ({@code mmbench-train/}), from their
   * own random stream: every file of version 6 is the bytes version 6 wrote (this digest was taken
   * from version 6's output for seed 3, tiny, over every file but {@code suite.json}, whose version
   * number changed).
   */
  @Test
  void everyFileOfVersion6IsUnchanged() throws Exception {
    Path suite = temp.resolve("v7");
    new SyntheticSuite(3, Scale.TINY).write(suite, 2);
    Path v6 = temp.resolve("v6-files");
    try (Stream<Path> files = Files.walk(suite)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String rel = suite.relativize(f).toString();
        if (!rel.equals("suite.json") && !addedInVersion7(rel)) {
          Files.createDirectories(v6.resolve(rel).getParent());
          Files.copy(f, v6.resolve(rel));
        }
      }
    }
    assertThat(digest(v6))
        .isEqualTo("5486aa48d3350635b6a55e2c18df4482cfd597f722062a75162fafcba76b358e");
    assertThat(suite.resolve("mmbench-train/mmbench_train_en.tsv")).exists();
  }

  /** Version 7 added the questions about the training images, in their own folder. */
  static boolean addedInVersion7(String rel) {
    return rel.startsWith("mmbench-train/");
  }

  /** Version 6 added the MM-Vet part, from its own random stream, in its own folder. */
  static boolean addedInVersion6(String rel) {
    return rel.startsWith("mmvet/");
  }

  /** Version 5 added the VQA-family parts, from their own random stream, in their own folders. */
  private static boolean vqaPart(String rel) {
    return rel.startsWith("vqav2/")
        || rel.startsWith("textvqa/")
        || rel.startsWith("vizwiz/")
        || rel.startsWith("gqa/");
  }

  /**
   * Version 5 added the POPE, MME and ScienceQA parts, from their own random stream, and left every
   * file of version 4 as it was (the two digests above exclude the new folders).
   */
  static boolean addedInVersion5(String rel) {
    return rel.startsWith("pope/") || rel.startsWith("mme/") || rel.startsWith("scienceqa/");
  }

  /**
   * The video classes are told apart by their object, as Kinetics classes are, never by colour
   * alone or shape alone; the motion of each is its own, and averaging frames would hide it.
   */
  @Test
  void videoClassesAreDistinctObjectsNotColoursOrShapesAlone() {
    List<VideoClass> classes = SyntheticSuite.VIDEO_CLASSES;
    assertThat(classes).hasSize(6);
    assertThat(classes).extracting(c -> c.colour() + " " + c.shape()).doesNotHaveDuplicates();
    assertThat(classes).extracting(VideoClass::motion).containsExactlyInAnyOrder(Motion.values());
    assertThat(classes)
        .extracting(VideoClass::label)
        .doesNotHaveDuplicates()
        .contains("red circle moving left", "blue triangle shrinking");
    assertThat(
            classes.stream()
                .collect(Collectors.groupingBy(VideoClass::colour, Collectors.counting()))
                .values())
        .as("classes per colour")
        .anyMatch(n -> n > 1);
    assertThat(
            classes.stream()
                .collect(Collectors.groupingBy(VideoClass::shape, Collectors.counting()))
                .values())
        .as("classes per shape")
        .anyMatch(n -> n > 1);
  }

  /** Every clip shows its class's object in every frame, and the object moves as the class says. */
  @Test
  void clipsShowTheirObjectDoingItsMotion() {
    SceneComposer composer = new SceneComposer(new SplittableRandom(11));
    for (VideoClass c : SyntheticSuite.VIDEO_CLASSES) {
      for (int k = 0; k < 3; k++) {
        List<RgbImage> frames = SyntheticSuite.clip(composer, c, 16);
        assertThat(frames).hasSize(16);
        double[] first = solidPixels(frames.get(0), c.colour());
        double[] last = solidPixels(frames.get(15), c.colour());
        for (RgbImage frame : frames) {
          assertThat(solidPixels(frame, c.colour())[0]).as(c.label()).isGreaterThan(20);
        }
        switch (c.motion()) {
          case LEFT -> assertThat(last[1]).as(c.label()).isLessThan(first[1] - 20);
          case RIGHT -> assertThat(last[1]).as(c.label()).isGreaterThan(first[1] + 20);
          case UP -> assertThat(last[2]).as(c.label()).isLessThan(first[2] - 20);
          case DOWN -> assertThat(last[2]).as(c.label()).isGreaterThan(first[2] + 20);
          case GROWING -> assertThat(last[0]).as(c.label()).isGreaterThan(3 * first[0]);
          case SHRINKING -> assertThat(last[0]).as(c.label()).isLessThan(first[0] / 3);
          default -> throw new AssertionError(c.motion());
        }
      }
    }
  }

  /**
   * Count, mean x and mean y of the pixels that are exactly {@code colour} (fully covered by the
   * object).
   */
  private static double[] solidPixels(RgbImage image, Colour colour) {
    double n = 0;
    double sx = 0;
    double sy = 0;
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++) {
        if (image.channel(x, y, 0) == colour.r()
            && image.channel(x, y, 1) == colour.g()
            && image.channel(x, y, 2) == colour.b()) {
          n++;
          sx += x;
          sy += y;
        }
      }
    }
    return new double[] {n, sx / n, sy / n};
  }

  /** The Chinese file has the English file's images, ids and splits, and says what they show. */
  @Test
  void chineseCaptionsDescribeTheSameImages() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode en =
        json.readTree(SuiteFixture.tiny().resolve("captions/dataset_coco.json").toFile())
            .get("images");
    JsonNode zh =
        json.readTree(SuiteFixture.tiny().resolve("captions/dataset_coco_zh.json").toFile())
            .get("images");
    assertThat(zh.size()).isEqualTo(en.size()).isEqualTo(120 + 24 + 40);
    Pattern first =
        Pattern.compile(
            "a (large|small) (\\w+) (\\w+) (to the left of|to the right of|above|below) "
                + "a (large|small) (\\w+) (\\w+)");
    int sentences = 0;
    for (int i = 0; i < en.size(); i++) {
      for (String key : List.of("filename", "imgid", "split", "cocoid", "filepath")) {
        assertThat(zh.get(i).get(key)).as(key).isEqualTo(en.get(i).get(key));
      }
      JsonNode raw = zh.get(i).get("sentences");
      assertThat(raw).hasSize(5);
      for (JsonNode s : raw) {
        assertThat(s.get("raw").asText()).matches("[\\u4e00-\\u9fff]+");
        assertThat(s.get("imgid").asInt()).isEqualTo(i);
        assertThat(s.get("sentid").asInt()).isEqualTo(sentences++);
      }
      Matcher m = first.matcher(en.get(i).get("sentences").get(0).get("raw").asText());
      assertThat(m.matches()).isTrue();
      String relation =
          switch (m.group(4)) {
            case "to the left of" -> "的左边";
            case "to the right of" -> "的右边";
            case "above" -> "的上面";
            default -> "的下面";
          };
      assertThat(raw.get(0).get("raw").asText())
          .isEqualTo(
              chinese(m.group(1), m.group(2), m.group(3))
                  + "在"
                  + chinese(m.group(5), m.group(6), m.group(7))
                  + relation);
    }
  }

  @Test
  void captionPartsReadTheChineseFileWithLanguageZh() throws Exception {
    Path cache = temp.resolve("cache");
    Files.createDirectories(cache);
    Files.createSymbolicLink(
        cache.resolve("synthetic-v" + SyntheticSuite.VERSION + "-tiny-seed7"), SuiteFixture.tiny());
    PluginContext ctx = new PluginContext(0, cache, 1);
    List<CaptionedImage> en =
        captions(
            new SyntheticDatasetProvider.Spec(Part.CAPTIONS_TRAIN, Scale.TINY, 7L, null, cache),
            ctx);
    List<CaptionedImage> zh =
        captions(
            new SyntheticDatasetProvider.Spec(Part.CAPTIONS_TRAIN, Scale.TINY, 7L, "zh", cache),
            ctx);
    assertThat(zh).hasSize(en.size()).hasSize(120);
    for (int i = 0; i < en.size(); i++) {
      assertThat(zh.get(i).id()).isEqualTo(en.get(i).id());
      assertThat(zh.get(i).image().origin()).isEqualTo(en.get(i).image().origin());
      assertThat(zh.get(i).captions())
          .hasSize(5)
          .allSatisfy(c -> assertThat(c).matches("[\\u4e00-\\u9fff]+"));
      assertThat(en.get(i).captions()).hasSize(5).allSatisfy(c -> assertThat(c).matches("[a-z ]+"));
    }
    assertThat(
            captions(
                new SyntheticDatasetProvider.Spec(Part.CAPTIONS_TEST, Scale.TINY, 7L, "zh", cache),
                ctx))
        .hasSize(40)
        .allSatisfy(c -> assertThat(c.captions().get(0)).matches("[\\u4e00-\\u9fff]+"));
  }

  /**
   * The MM-Vet part is MM-Vet's layout as the {@code mmvet} loader reads it: open-ended questions
   * with {@code <OR>} (counts) and {@code <AND>} (colours) ground truths and MM-Vet's capabilities.
   */
  @Test
  void mmvetPartHasMmvetsLayoutAndGroundTruths() throws Exception {
    Path cache = temp.resolve("cache");
    Files.createDirectories(cache);
    Files.createSymbolicLink(
        cache.resolve("synthetic-v" + SyntheticSuite.VERSION + "-tiny-seed7"), SuiteFixture.tiny());
    List<VisualQuestion> questions = new ArrayList<>();
    try (SampleCursor<?> c =
        new SyntheticDatasetProvider()
            .open(
                new SyntheticDatasetProvider.Spec(Part.MMVET, Scale.TINY, 7L, null, cache),
                new PluginContext(0, cache, 1))
            .samples()) {
      while (c.hasNext()) {
        questions.add((VisualQuestion) c.next());
      }
    }
    assertThat(questions).hasSize(MmvetPart.count(Scale.TINY.size().questions()));
    String colour = "(red|green|blue|yellow)";
    for (VisualQuestion q : questions) {
      String answer = q.answers().get(0);
      switch (q.category()) {
        case "rec" ->
            assertThat(answer)
                .as(q.question())
                .matches(
                    q.question().startsWith("Which") ? colour + "(<AND>" + colour + ")+" : colour);
        case "rec,math" -> assertThat(answer).matches("[1-4]<OR>(one|two|three|four)");
        case "rec,spat" -> assertThat(answer).matches("left|right|above|below");
        default -> throw new AssertionError("capabilities " + q.category());
      }
      assertThat(q.attributes()).containsEntry("imagename", q.id() + ".png");
      assertPictureAnswers(q.question(), answer, q.image().load());
    }
    assertThat(questions)
        .extracting(VisualQuestion::category)
        .contains("rec", "rec,math", "rec,spat");
    JsonNode first =
        new ObjectMapper().readTree(SuiteFixture.tiny().resolve("mmvet/mm-vet.json").toFile());
    assertThat(first.fieldNames().next()).isEqualTo("v1_0");
    List<String> keys = new ArrayList<>();
    first.get("v1_0").fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("imagename", "capability", "question", "answer");
  }

  /**
   * The lossless image shows what the ground truth says: exactly the colours named (colour
   * questions), and the first named shape's solid pixels on the named side of the second's (spatial
   * questions whose two shapes differ in colour).
   */
  private static void assertPictureAnswers(String question, String answer, RgbImage image) {
    if (question.startsWith("What colour") || question.startsWith("Which colours")) {
      List<String> named = List.of(answer.split("<AND>"));
      for (Colour c : Colour.values()) {
        double n = solidPixels(image, c)[0];
        if (named.contains(c.english())) {
          assertThat(n).as("%s: %s", question, c).isPositive();
        } else {
          assertThat(n).as("%s: %s", question, c).isZero();
        }
      }
    } else if (question.startsWith("Is the ")) {
      Matcher m = Pattern.compile("Is the (\\w+) \\w+ .* the (\\w+) \\w+\\?").matcher(question);
      assertThat(m.matches()).as(question).isTrue();
      if (!m.group(1).equals(m.group(2))) {
        double[] a = solidPixels(image, Colour.valueOf(m.group(1).toUpperCase(Locale.ROOT)));
        double[] b = solidPixels(image, Colour.valueOf(m.group(2).toUpperCase(Locale.ROOT)));
        boolean holds =
            switch (answer) {
              case "left" -> a[1] < b[1];
              case "right" -> a[1] > b[1];
              case "above" -> a[2] < b[2];
              default -> a[2] > b[2];
            };
        assertThat(holds).as("%s %s", question, answer).isTrue();
      }
    }
  }

  private static List<CaptionedImage> captions(
      SyntheticDatasetProvider.Spec spec, PluginContext ctx) {
    List<CaptionedImage> out = new ArrayList<>();
    try (SampleCursor<?> c = new SyntheticDatasetProvider().open(spec, ctx).samples()) {
      while (c.hasNext()) {
        out.add((CaptionedImage) c.next());
      }
    }
    return out;
  }

  private static String chinese(String size, String colour, String shape) {
    return (size.equals("large") ? "大的" : "小的")
        + Colour.valueOf(colour.toUpperCase(Locale.ROOT)).chinese()
        + Shape.valueOf(shape.toUpperCase(Locale.ROOT)).chinese();
  }

  /**
   * The progress callback counts each image, scene, clip and question once, whatever the threads.
   */
  @Test
  void reportsEveryImageOnceToTheProgressCallback() {
    SuiteSize size = Scale.SMALL.size().dividedBy(4);
    AtomicLong written = new AtomicLong();
    new SyntheticSuite(5, size).write(temp.resolve("counted"), 2, written::incrementAndGet);
    assertThat(written).hasValue(size.images());
    assertThat(size.images())
        .isEqualTo(
            12L * (6 + 2) + (30 + 12) + (100 + 12 + 25) + 6L * (2 + 2) + 30 + 25 + 6 + 4L * 15);
  }

  /** A reduced size writes the counts it names, and {@code suite.json} names it. */
  @Test
  void aReducedLargeSuiteHasTheReducedCounts() throws Exception {
    SuiteSize size = Scale.LARGE.size().dividedBy(1000);
    Path suite = temp.resolve("reduced");
    new SyntheticSuite(0, size).write(suite, 2);
    try (Stream<Path> files = Files.list(suite.resolve("classification/train/red_circle"))) {
      assertThat(files.count()).isEqualTo(8);
    }
    try (Stream<Path> files = Files.list(suite.resolve("captions/images"))) {
      assertThat(files.count()).isEqualTo(20 + 5 + 5);
    }
    assertThat(Files.readString(suite.resolve("suite.json")))
        .contains("\"scale\" : \"large/1000\"");
  }

  @Test
  void writesEveryLayout() {
    Path s = SuiteFixture.tiny();
    assertThat(s.resolve("suite.json")).exists();
    assertThat(s.resolve("classification/train/red_circle")).isDirectory();
    assertThat(s.resolve("classification/val/yellow_triangle")).isDirectory();
    assertThat(s.resolve("ADEChallengeData2016/images/training/ADE_train_00000001.jpg")).exists();
    assertThat(s.resolve("ADEChallengeData2016/annotations/validation/ADE_val_00000001.png"))
        .exists();
    assertThat(s.resolve("captions/dataset_coco.json")).exists();
    assertThat(s.resolve("captions/dataset_coco_zh.json")).exists();
    assertThat(s.resolve("kinetics/val.csv")).exists();
    assertThat(s.resolve("mmbench/mmbench_dev_en.tsv")).exists();
    assertThat(s.resolve("xtd/test_1kcaptions_zh.txt")).exists();
    assertThat(s.resolve("msrvtt/msrvtt_test1k.json")).exists();
    assertThat(s.resolve("msrvtt/videos/all/video0.mp4")).exists();
    assertThat(s.resolve("mmvet/mm-vet.json")).exists();
    assertThat(s.resolve("mmvet/images/v1_0.png")).exists();
    assertThat(s.getParent())
        .isDirectoryNotContaining(p -> p.getFileName().toString().contains(".partial"));
  }

  @Test
  void refusesToOverwrite() {
    assertThatThrownBy(() -> new SyntheticSuite(7, Scale.TINY).write(SuiteFixture.tiny(), 1))
        .isInstanceOf(VlevalException.class)
        .hasMessageContaining("already exists");
  }

  @Test
  void labelsFollowTheShapesAndBackgroundIsZero() {
    SceneObject circle = new SceneObject(Shape.CIRCLE, Colour.RED, true, 20, 20, 10, 0);
    SceneObject square = new SceneObject(Shape.SQUARE, Colour.BLUE, false, 50, 40, 8, 0);
    Scene scene = new Scene(64, 64, 1, List.of(circle, square));
    LabelMap labels = scene.labels();
    assertThat(labels.at(20, 20)).isEqualTo(1);
    assertThat(labels.at(50, 40)).isEqualTo(2);
    assertThat(labels.at(0, 63)).isZero();
    RgbImage image = scene.render();
    assertThat(image.channel(20, 20, 0)).isEqualTo(220);
    assertThat(image.channel(50, 40, 2)).isEqualTo(220);
  }

  @Test
  void captionsDescribeTheRelation() {
    SceneComposer composer = new SceneComposer(new SplittableRandom(5));
    for (int i = 0; i < 50; i++) {
      SceneComposer.Pair p = composer.pair();
      double dx = p.first().cx() - p.second().cx();
      double dy = p.first().cy() - p.second().cy();
      switch (p.relation()) {
        case LEFT_OF -> assertThat(dx).isNegative();
        case RIGHT_OF -> assertThat(dx).isPositive();
        case ABOVE -> assertThat(dy).isNegative();
        case BELOW -> assertThat(dy).isPositive();
        default -> throw new AssertionError();
      }
      List<String> captions = SyntheticSuite.captionsOf(p);
      assertThat(captions).hasSize(5).allSatisfy(c -> assertThat(c).contains(p.first().phrase()));
      assertThat(SyntheticSuite.chineseCaption(p)).matches(".*[\\u4e00-\\u9fff].*");
      List<String> chinese = SyntheticSuite.chineseCaptionsOf(p);
      assertThat(chinese)
          .hasSize(5)
          .doesNotHaveDuplicates()
          .startsWith(SyntheticSuite.chineseCaption(p))
          .allSatisfy(c -> assertThat(c).contains(p.first().chinesePhrase()));
    }
  }

  @Test
  void classesAreColourTimesShape() throws IOException {
    assertThat(SyntheticSuite.classFolders()).hasSize(12).contains("green_square");
    assertThat(Files.readString(SuiteFixture.tiny().resolve("classification/classnames.json")))
        .contains("\"red_circle\" : \"red circle\"");
  }

  /**
   * The MSR-VTT part lists its clips as the reference's metadata file does, each caption naming the
   * clip's object and motion, no two clips alike.
   */
  @Test
  void msrvttCaptionsNameEachClipsObjectAndMotion() throws Exception {
    JsonNode list =
        new ObjectMapper()
            .readTree(SuiteFixture.tiny().resolve("msrvtt/msrvtt_test1k.json").toFile());
    assertThat(list).hasSize(12);
    List<String> captions = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode e = list.get(i);
      assertThat(e.get("video").asText()).isEqualTo("video" + i + ".mp4");
      assertThat(SuiteFixture.tiny().resolve("msrvtt/videos/all").resolve(e.get("video").asText()))
          .isRegularFile();
      captions.add(e.get("caption").asText());
    }
    assertThat(captions)
        .doesNotHaveDuplicates()
        .allSatisfy(
            c ->
                assertThat(c)
                    .matches(
                        "a (red|green|blue|yellow) (circle|square|triangle) (moving"
                            + " (left|right|up|down)|growing|shrinking)"));
  }
}
