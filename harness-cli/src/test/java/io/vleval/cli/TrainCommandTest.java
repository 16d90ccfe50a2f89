package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code vleval train}: strict validation of the training YAML, and a two-stage run of a few steps
 * whose checkpoints and summary come out. (Runs the command with the subcommand added here, since
 * the top-level command registers it separately.)
 */
class TrainCommandTest {

  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  static Result train(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Console console = new Console(new PrintWriter(out, true), new PrintWriter(err, true), false);
    CommandLine cli = new CommandLine(new VlevalCommand(console));
    if (!cli.getSubcommands().containsKey("train")) {
      cli.addSubcommand("train", new TrainCommand());
    }
    cli.setExecutionExceptionHandler((e, c, p) -> Main.handle(e, console, false));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void reportsEveryProblemWithItsPlace() throws Exception {
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(
        bad,
        String.join(
            "\n",
            "train: {seed: zero}",
            "data: {caption_languages: [en, fr]}",
            "stages:",
            "  - name: s1",
            "    kind: contrastiv",
            "    model: {preset: tiny-internvl}",
            "    steps: 10",
            "    optimizer: {lr: 1e-3, beta: [0.9, 0.99]}",
            "  - name: s2",
            "    kind: generative",
            "    model: {from: s1}",
            ""));
    Result r = train("train", bad.toString(), "--validate");
    assertThat(r.code()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(r.err())
        .contains("bad.yaml:1:15")
        .contains("'seed'")
        .contains("bad.yaml:2:1: the top-level 'data:' section")
        .contains("caption_languages: [en, zh] becomes translations")
        .contains("bad.yaml:5:11")
        .contains("contrastive")
        .contains("bad.yaml:8:")
        .contains("unknown key 'beta'")
        .contains("missing required key 'steps'");
  }

  @Test
  void trainsTwoStagesAndWritesLoadableCheckpoints() throws Exception {
    Path cfg = tmp.resolve("t.yaml");
    Files.writeString(
        cfg,
        String.join(
            "\n",
            "train: {seed: 1, out: out}",
            "datasets:",
            "  - {name: en, type: synthetic, part: captions-train, scale: tiny, cache: cache}",
            "  - {name: zh, type: synthetic, part: captions-train, scale: tiny, cache: cache, language: zh}",
            "  - {name: shapes-val, type: synthetic, part: classification-val, scale: tiny, cache: cache}",
            "  - {name: captions-test, type: synthetic, part: captions-test, scale: tiny, cache: cache}",
            "stages:",
            "  - {name: c, kind: contrastive, model: {preset: tiny-internvl}, steps: 3, batch_size: 8, checkpoint_every: 2,",
            "     data: {captions: en, translations: [zh]}, export: models/c,",
            "     eval: [{name: zero-shot, type: zero-shot-classification, dataset: shapes-val}]}",
            "  - {name: g, kind: generative, model: {from: c}, steps: 2, batch_size: 4, data: {captions: en},",
            "     export: models/g,",
            "     eval: [{name: retrieval, type: retrieval, dataset: captions-test}]}",
            ""));
    Result r = train("train", cfg.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
    assertThat(r.out())
        .containsPattern("(?m)^c\\s+contrastive\\s+3 ")
        .containsPattern("(?m)^g\\s+generative\\s+2 ");
    assertThat(r.err()).contains("translations 'zh' give captions to 120 of 120 captioned images");
    // each stage's eval: tasks, scored through the runner into OUT/<stage>/eval/
    assertThat(r.out()).contains("zero-shot.acc1=").contains("retrieval.mean_recall=");
    assertThat(tmp.resolve("out/c/eval/results.json")).exists();
    assertThat(tmp.resolve("out/g/eval/results.json")).exists();
    assertThat(tmp.resolve("out/c/checkpoint-000002/model.safetensors")).exists();
    assertThat(tmp.resolve("out/c/checkpoint-000003/optimizer.safetensors")).exists();
    assertThat(tmp.resolve("models/g/config.json")).exists();
    assertThat(tmp.resolve("models/g/tokenizer.json")).exists();
    Result again = train("train", cfg.toString(), "--resume");
    assertThat(again.code()).isEqualTo(ExitCode.OK);
    assertThat(again.out()).contains("(earlier run)");
  }

  /**
   * The shipped models are what {@code examples/train-tiny.yaml} makes from its seed: the recipe
   * runs here (all three stages, one thread, several minutes) and its exports must equal {@code
   * models/tiny-internvl-c} (stage 1) and {@code models/tiny-internvl-chat} (stage 3) byte for
   * byte, and stage 2's InternVL-G retrieval (its {@code eval:} task) must beat stage 1's
   * InternVL-C retrieval.
   */
  @Test
  void theRecipeReproducesTheShippedModel(@TempDir Path temp) throws Exception {
    Path repo = Path.of(System.getProperty("vleval.repoRoot"));
    String recipe =
        Files.readString(repo.resolve("examples/train-tiny.yaml"))
            .replace("out: ../target/train-tiny", "out: " + temp.resolve("out"))
            .replace(
                "export: ../models/tiny-internvl-chat", "export: " + temp.resolve("export-chat"))
            .replace("export: ../models/tiny-internvl-c", "export: " + temp.resolve("export"));
    assertThat(recipe)
        .contains(temp.resolve("export").toString())
        .contains(temp.resolve("export-chat").toString());
    Path config = temp.resolve("train-tiny.yaml");
    Files.writeString(config, recipe);
    Result r = train("train", config.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
    assertThat(sha256(temp.resolve("export/model.safetensors")))
        .isEqualTo(sha256(repo.resolve("models/tiny-internvl-c/model.safetensors")));
    assertThat(Files.readString(temp.resolve("export/config.json")))
        .isEqualTo(Files.readString(repo.resolve("models/tiny-internvl-c/config.json")));
    assertThat(sha256(temp.resolve("export-chat/model.safetensors")))
        .isEqualTo(sha256(repo.resolve("models/tiny-internvl-chat/model.safetensors")));
    assertThat(Files.readString(temp.resolve("export-chat/config.json")))
        .isEqualTo(Files.readString(repo.resolve("models/tiny-internvl-chat/config.json")));
    // after stage 2, InternVL-G's retrieval is above stage 1's InternVL-C, as the retrieval task of
    // each stage's eval: list reports them on captions-test: Recall@1 (mean of both directions) and
    // the mean recall. The gain is small (it held over four seeds, by 0.4 to 1.1 points of R@1 on
    // the
    // medium suite: docs/experiments/2026-11-26-stage2-length-and-seeds.md); this seed: R@1 18.6%
    // against 17.2%, mean recall 0.503 against 0.473
    Path g = temp.resolve("out/stage2-generative/done.json");
    Path c = temp.resolve("out/stage1-contrastive/done.json");
    assertThat(meanRecallAt1(g)).isGreaterThan(meanRecallAt1(c));
    assertThat(metric(g, "retrieval.mean_recall"))
        .isGreaterThan(metric(c, "retrieval.mean_recall"));
  }

  private static double meanRecallAt1(Path done) throws Exception {
    return (metric(done, "retrieval.image_retrieval_recall@1")
            + metric(done, "retrieval.text_retrieval_recall@1"))
        / 2;
  }

  private static double metric(Path done, String name) throws Exception {
    return new ObjectMapper().readTree(done.toFile()).get("metrics").get(name).asDouble();
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
