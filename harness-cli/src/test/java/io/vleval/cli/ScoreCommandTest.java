package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.tasks.metrics.Fixtures;
import io.vleval.tasks.metrics.Fixtures.Mmbench;
import io.vleval.testkit.FixtureTest;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code vleval score}: each family through the real command, on inputs whose scores are known. */
class ScoreCommandTest {

  @TempDir Path temp;

  private JsonNode json(Cli.Result r) throws IOException {
    assertThat(r.exitCode()).as(r.err()).isZero();
    return new ObjectMapper().readTree(r.out());
  }

  private static double metric(JsonNode table, String name) {
    for (JsonNode m : table.get("metrics")) {
      if (m.get("name").asText().equals(name)) {
        return m.get("value").asDouble();
      }
    }
    throw new AssertionError("no metric " + name + " in " + table);
  }

  @Test
  void classificationTableAndJson() throws IOException {
    Path p = temp.resolve("p.json");
    // argmax: 0, 1, 1, 2 against targets 0, 1, 2, 2 -> top-1 3/4; per class recall 1, 1, 1/2
    Files.writeString(
        p,
        "{\"logits\": [[3,1,0],[0,2,1],[0,5,1],[0,1,9]], \"target\": [0,1,2,2], \"n_classes\": 3}");
    Cli.Result table =
        Cli.run("score", "classification", p.toString(), p.toString(), "--resamples", "200");
    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out()).contains("classification: 4").contains("acc1").contains("95% CI");
    JsonNode j =
        json(
            Cli.run(
                "score",
                "classification",
                p.toString(),
                p.toString(),
                "--json",
                "-o",
                temp.resolve("s.json").toString()));
    assertThat(metric(j, "acc1")).isEqualTo(0.75);
    assertThat(metric(j, "mean_per_class_recall")).isEqualTo((1 + 1 + 0.5) / 3);
    assertThat(j.get("metrics").get(0).has("ci_lower")).isTrue();
    assertThat(new ObjectMapper().readTree(temp.resolve("s.json").toFile())).isEqualTo(j);
  }

  @Test
  void retrieval() throws IOException {
    Path p = temp.resolve("r.json");
    // 2 images, 4 texts; text t belongs to image t/2; text 3 ranks its image second
    Files.writeString(
        p,
        "{\"scores\": [[0.9,0.1],[0.8,0.2],[0.1,0.7],[0.6,0.5]], \"texts_image_index\": [0,0,1,1], \"k\": [1]}");
    JsonNode j =
        json(
            Cli.run(
                "score", "retrieval", p.toString(), p.toString(), "--json", "--resamples", "0"));
    assertThat(metric(j, "image_retrieval_recall@1")).isEqualTo(0.75);
    assertThat(metric(j, "text_retrieval_recall@1")).isEqualTo(1.0);
  }

  @Test
  void captioningIdenticalCaptionsScorePerfectBleu() throws IOException {
    Path pred = temp.resolve("pred.json");
    Path refs = temp.resolve("refs.json");
    Files.writeString(
        pred,
        "[{\"image_id\": 1, \"caption\": \"a red circle left of a blue square\"},"
            + "{\"image_id\": 2, \"caption\": \"two green triangles on a grey floor\"}]");
    Files.writeString(
        refs,
        "{\"annotations\": [{\"image_id\": 1, \"caption\": \"a red circle left of a blue square\"},"
            + "{\"image_id\": 2, \"caption\": \"two green triangles on a grey floor\"}]}");
    JsonNode j =
        json(
            Cli.run(
                "score",
                "captioning",
                pred.toString(),
                refs.toString(),
                "--json",
                "--resamples",
                "0"));
    assertThat(metric(j, "Bleu_4")).isCloseTo(1.0, Offset.offset(1e-6));
    assertThat(metric(j, "ROUGE_L")).isCloseTo(1.0, Offset.offset(1e-9));
  }

  @Test
  void segmentationPerfectPrediction() throws IOException {
    Path pred = Files.createDirectories(temp.resolve("pred"));
    Path gt = Files.createDirectories(temp.resolve("gt"));
    BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        img.getRaster().setSample(x, y, 0, x < 2 ? 1 : 2);
      }
    }
    ImageIO.write(img, "png", pred.resolve("a.png").toFile());
    ImageIO.write(img, "png", gt.resolve("a.png").toFile());
    // labels 1 and 2 as they are: a perfect prediction
    JsonNode j =
        json(
            Cli.run(
                "score",
                "segmentation",
                pred.toString(),
                gt.toString(),
                "--num-classes",
                "3",
                "--no-reduce-zero-label",
                "--json",
                "--resamples",
                "0"));
    assertThat(metric(j, "mIoU")).isEqualTo(1.0);
    assertThat(metric(j, "aAcc")).isEqualTo(1.0);
    // ADE20K's reduce_zero_label shifts the labels (1 -> 0, 2 -> 1) but not the prediction: nothing
    // matches
    JsonNode reduced =
        json(
            Cli.run(
                "score",
                "segmentation",
                pred.toString(),
                gt.toString(),
                "--num-classes",
                "3",
                "--json",
                "--resamples",
                "0"));
    assertThat(metric(reduced, "aAcc")).isEqualTo(0.0);
  }

  static List<Mmbench> mmbenchCases() {
    return Fixtures.mmbench();
  }

  /**
   * Every MMBench golden case of the fixture root, found by content: {@code vleval score mmbench}
   * reports every overall and per-category accuracy of the reference's circular and vanilla
   * evaluations.
   */
  @FixtureTest
  @ParameterizedTest(name = "{0}")
  @MethodSource("mmbenchCases")
  void mmbenchOnEveryGoldenCase(Mmbench c) throws IOException {
    JsonNode expected = c.json().get("expected");
    assertReports(
        json(
            Cli.run(
                "score",
                "mmbench",
                c.predictions().toString(),
                c.dataset().toString(),
                "--json",
                "--resamples",
                "0")),
        expected.get("circular_report_acc"));
    assertReports(
        json(
            Cli.run(
                "score",
                "mmbench",
                c.predictions().toString(),
                c.dataset().toString(),
                "--vanilla",
                "--json",
                "--resamples",
                "0")),
        expected.get("vanilla_report_acc"));
  }

  /** Every accuracy of a reference report (all but its {@code split}) is a metric of the table. */
  private static void assertReports(JsonNode table, JsonNode report) {
    List<String> names = new ArrayList<>();
    report.fieldNames().forEachRemaining(names::add);
    names.remove("split");
    assertThat(names).contains("Overall");
    for (String name : names) {
      assertThat(metric(table, name)).as(name).isEqualTo(report.get(name).get(0).asDouble());
    }
  }

  @Test
  void badInputIsOneLineNamingTheFile() throws IOException {
    Path p = temp.resolve("bad.json");
    Files.writeString(p, "{\"logits\": [[1,2],[3]], \"target\": [0,1], \"n_classes\": 2}");
    Cli.Result r = Cli.run("score", "classification", p.toString(), p.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(r.err()).startsWith("error: " + p + ": ");
  }

  @Test
  void aMissingInputSaysItDoesNotExistForEveryFamily() throws IOException {
    Path ok = temp.resolve("ok.json");
    Files.writeString(ok, "{}");
    Path missing = temp.resolve("missing.json");
    for (String family : new String[] {"captioning", "retrieval", "classification", "mmbench"}) {
      Cli.Result r = Cli.run("score", family, missing.toString(), ok.toString());
      assertThat(r.exitCode()).as(family).isEqualTo(ExitCode.USER_ERROR);
      assertThat(r.err().lines().toList())
          .as(family)
          .singleElement(InstanceOfAssertFactories.STRING)
          .startsWith("error: " + missing + " (PREDICTIONS): does not exist; expected a")
          .doesNotContain("UTF-8")
          .doesNotContain("JSON: ");
    }
    // both missing: both reported, one line each
    Cli.Result both =
        Cli.run("score", "mmbench", missing.toString(), temp.resolve("dataset.tsv").toString());
    assertThat(both.err().lines().toList())
        .containsExactly(
            "error: "
                + missing
                + " (PREDICTIONS): does not exist; expected a TSV file of predictions",
            "error: "
                + temp.resolve("dataset.tsv")
                + " (DATASET): does not exist; expected the MMBench TSV file");
  }

  @Test
  void aFolderAFileWhereAFolderIsExpectedAndBadUtf8AreToldApart() throws IOException {
    Path folder = Files.createDirectories(temp.resolve("folder"));
    Path tsv = temp.resolve("bad.tsv");
    Files.write(tsv, new byte[] {'i', 'n', 'd', 'e', 'x', '\n', (byte) 0xff, (byte) 0xfe, '\n'});
    Cli.Result dir = Cli.run("score", "mmbench", folder.toString(), tsv.toString());
    assertThat(dir.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(dir.err().strip())
        .isEqualTo(
            "error: "
                + folder
                + " (PREDICTIONS): is a folder, not a file; expected a TSV file of predictions");
    Cli.Result utf8 = Cli.run("score", "mmbench", tsv.toString(), tsv.toString());
    assertThat(utf8.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(utf8.err()).startsWith("error: " + tsv + ": ").contains("UTF-8");
    Cli.Result seg =
        Cli.run("score", "segmentation", tsv.toString(), temp.resolve("labels").toString());
    assertThat(seg.err().lines().toList())
        .containsExactly(
            "error: "
                + tsv
                + " (PREDICTION_DIR): is a file, not a folder; expected a folder of predicted label PNGs",
            "error: "
                + temp.resolve("labels")
                + " (LABEL_DIR): does not exist; expected a folder of ground-truth label PNGs");
  }

  @Test
  void anUnreadableInputSaysSo() throws IOException {
    Path locked = temp.resolve("locked.json");
    Files.writeString(locked, "{}");
    Files.setPosixFilePermissions(locked, Set.of());
    Assumptions.assumeFalse(Files.isReadable(locked), "running as root: every file is readable");
    Cli.Result r = Cli.run("score", "classification", locked.toString(), locked.toString());
    assertThat(r.err())
        .startsWith("error: " + locked + " (PREDICTIONS): cannot be read (permission denied)");
  }
}
