package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vleval score pope|mme|scienceqa|mmvet} through the real command, on inputs whose scores
 * are worked out by hand, and a user error of each kind as one line with exit code 2.
 */
class ClosedScoreCommandTest {
  @TempDir Path temp;

  private static double metric(Cli.Result r, String name) throws IOException {
    assertThat(r.exitCode()).as(r.err()).isZero();
    for (JsonNode m : new ObjectMapper().readTree(r.out()).get("metrics")) {
      if (m.get("name").asText().equals(name)) {
        return m.get("value").asDouble();
      }
    }
    throw new AssertionError("no metric " + name + " in " + r.out());
  }

  @Test
  void popeOneSplit() throws IOException {
    Path labels = temp.resolve("coco_pope_random.json");
    Files.writeString(
        labels,
        "{\"question_id\": 1, \"label\": \"yes\"}\n{\"question_id\": 2, \"label\": \"no\"}\n"
            + "{\"question_id\": 3, \"label\": \"yes\"}\n{\"question_id\": 4, \"label\": \"no\"}\n");
    Path answers = temp.resolve("answers.jsonl");
    // read as yes, no, no ("There is no"), yes ("NO" is not POPE's "No"): TP 1, TN 1, FN 1, FP 1
    Files.writeString(
        answers,
        "{\"question_id\": 1, \"answer\": \"Yes, there is.\"}\n"
            + "{\"question_id\": 2, \"answer\": \"No.\"}\n"
            + "{\"question_id\": 3, \"answer\": \"There is no dog.\"}\n"
            + "{\"question_id\": 4, \"answer\": \"NO\"}\n");
    Cli.Result r =
        Cli.run(
            "score", "pope", answers.toString(), labels.toString(), "--json", "--resamples", "0");
    assertThat(metric(r, "random/accuracy")).isEqualTo(0.5);
    assertThat(metric(r, "F1")).isCloseTo(0.5, within(1e-12));
    assertThat(metric(r, "random/yes_ratio")).isEqualTo(0.5);
  }

  @Test
  void mmeResultFolder() throws IOException {
    Path dir = Files.createDirectories(temp.resolve("results"));
    // image a: both right; image b: one right, one neither yes nor no
    Files.writeString(
        dir.resolve("existence.txt"),
        "a.jpg\tIs there a cat?\tYes\tyes\na.jpg\tIs there a dog?\tNo\tNo, there is not\n"
            + "b.jpg\tIs there a cat?\tYes\tYes\nb.jpg\tIs there a dog?\tNo\tmaybe\n");
    Cli.Result r = Cli.run("score", "mme", dir.toString(), "--json", "--resamples", "0");
    assertThat(metric(r, "existence/acc")).isEqualTo(0.75);
    assertThat(metric(r, "existence/acc_plus")).isEqualTo(0.5);
    assertThat(metric(r, "perception")).isCloseTo(125.0, within(1e-9));
    assertThat(metric(r, "existence/other")).isEqualTo(1.0);
  }

  @Test
  void scienceQaLlavaAnswers() throws IOException {
    Path base = Files.createDirectories(temp.resolve("sqa"));
    Files.writeString(
        base.resolve("problems.json"),
        "{\"1\": {\"question\": \"Q\", \"choices\": [\"cat\", \"dog\"], \"answer\": 1, \"hint\": \"\","
            + " \"image\": \"image.png\", \"subject\": \"natural science\", \"grade\": \"grade2\"},"
            + " \"2\": {\"question\": \"Q\", \"choices\": [\"cat\", \"dog\"], \"answer\": 0,"
            + " \"hint\": \"c\", \"image\": null, \"subject\": \"language science\", \"grade\":"
            + " \"grade8\"}}");
    Files.writeString(base.resolve("pid_splits.json"), "{\"test\": [\"1\", \"2\"]}");
    Path answers = temp.resolve("answers.jsonl");
    Files.writeString(
        answers,
        "{\"question_id\": \"1\", \"text\": \"B\"}\n{\"question_id\": \"2\", \"text\": \"A cat\"}\n");
    Cli.Result llava =
        Cli.run(
            "score",
            "scienceqa",
            answers.toString(),
            base.toString(),
            "--json",
            "--resamples",
            "0");
    // LLaVA reads "A cat" as no letter; InternVL's post_process reads its first letter A
    assertThat(metric(llava, "accuracy")).isEqualTo(0.5);
    Cli.Result internVl =
        Cli.run(
            "score",
            "scienceqa",
            answers.toString(),
            base.toString(),
            "--scorer",
            "internvl",
            "--json",
            "--resamples",
            "0");
    assertThat(metric(internVl, "accuracy")).isEqualTo(1.0);
  }

  @Test
  void mmvetGrades() throws IOException {
    Path grades = temp.resolve("grades.json");
    Files.writeString(
        grades,
        "{\"v1_0\": {\"model\": [\"gpt-4\"], \"content\": [\"1.0\"], \"score\": [1.0]},"
            + " \"v1_1\": {\"model\": [\"gpt-4\"], \"content\": [\"0.4\"], \"score\": [0.4]}}");
    Path vet = temp.resolve("mm-vet.json");
    Files.writeString(
        vet,
        "{\"v1_0\": {\"capability\": [\"rec\"]}, \"v1_1\": {\"capability\": [\"ocr\", \"rec\"]}}");
    Cli.Result r =
        Cli.run("score", "mmvet", grades.toString(), vet.toString(), "--json", "--resamples", "0");
    assertThat(metric(r, "total")).isCloseTo(70.0, within(1e-9));
    assertThat(metric(r, "ocr")).isCloseTo(40.0, within(1e-9));
  }

  @Test
  void badInputIsOneLineAndExitCode2() throws IOException {
    Path dir = Files.createDirectories(temp.resolve("results"));
    Files.writeString(dir.resolve("count.txt"), "a.jpg\tAre there 2?\tPerhaps\tyes\n");
    Cli.Result r = Cli.run("score", "mme", dir.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo(
            "error: "
                + dir.resolve("count.txt")
                + ": line 1: answer 'Perhaps', expected Yes or No");
    Cli.Result missing =
        Cli.run(
            "score",
            "mmvet",
            temp.resolve("none.json").toString(),
            temp.resolve("x.json").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err())
        .contains("none.json (GRADES): does not exist")
        .doesNotContain("Exception");
  }
}
