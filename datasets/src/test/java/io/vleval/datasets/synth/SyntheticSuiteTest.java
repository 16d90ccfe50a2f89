package io.vleval.datasets.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.VlevalException;
import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
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

  @Test
  void writesEveryLayout() {
    Path s = SuiteFixture.tiny();
    assertThat(s.resolve("suite.json")).exists();
    assertThat(s.resolve("classification/train/red_circle")).isDirectory();
    assertThat(s.resolve("classification/val/yellow_triangle")).isDirectory();
    assertThat(s.resolve("ADEChallengeData2016/images/training/ADE_train_00000001.jpg")).exists();
    assertThat(s.resolve("ADEChallengeData2016/annotations/validation/ADE_val_00000001.png")).exists();
    assertThat(s.resolve("captions/dataset_coco.json")).exists();
    assertThat(s.resolve("kinetics/val.csv")).exists();
    assertThat(s.resolve("mmbench/mmbench_dev_en.tsv")).exists();
    assertThat(s.resolve("xtd/test_1kcaptions_zh.txt")).exists();
    assertThat(s.getParent()).isDirectoryNotContaining(p -> p.getFileName().toString().contains(".partial"));
  }

  @Test
  void refusesToOverwrite() {
    assertThatThrownBy(() -> new SyntheticSuite(7, Scale.TINY).write(SuiteFixture.tiny(), 1))
        .isInstanceOf(VlevalException.class).hasMessageContaining("already exists");
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
    }
  }

  @Test
  void classesAreColourTimesShape() throws IOException {
    assertThat(SyntheticSuite.classFolders()).hasSize(12).contains("green_square");
    assertThat(Files.readString(SuiteFixture.tiny().resolve("classification/classnames.json"))).contains("\"red_circle\" : \"red circle\"");
  }
}
