package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticSuite;
import io.vleval.training.Training;
import io.vleval.training.TrainingJob;
import io.vleval.training.loop.StepReport;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.spec.OptimizerSpec;
import io.vleval.training.spec.ScheduleSpec;
import io.vleval.training.spec.StageSpec;
import io.vleval.training.spec.TrainConfigLoader;
import io.vleval.training.spec.TrainSettings;
import io.vleval.training.spec.TrainSpec;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training examples beside the shipped recipe, against synthetic stand-ins in their layouts:
 * {@code examples/train-coco-stage1.yaml} reads COCO captions in Karpathy's layout (the tiny
 * suite's {@code dataset_coco.json}), {@code examples/sft-llava.yaml} LLaVA-format conversations (a
 * JSON list over the suite's captioned images, two turns each) and InternVL's SFT meta file (an
 * entry naming a JSON lines file) from a chat checkpoint (the shipped {@code tiny-internvl-chat}
 * stands in for {@code ${CKPT}/InternVL-Chat}). Each validates as users run it ({@code vleval train
 * --validate} in its own JVM with {@code DATA} and {@code CKPT} set), and runs end to end for a few
 * steps (its steps, batch and rate made small, everything else as declared), lowering its loss,
 * then is scored by its {@code eval:} task (retrieval on the Karpathy test split, MMBench-dev).
 */
class TrainExamplesTest {

  @TempDir static Path temp;
  static Path data;
  static Path ckpt;

  @BeforeAll
  static void standIns() throws IOException {
    Path suite = temp.resolve("suite");
    new SyntheticSuite(1, Scale.TINY).write(suite, 2);
    data = Files.createDirectories(temp.resolve("data"));
    // COCO in Karpathy's layout: dataset_coco.json, images under filepath/filename
    Files.createSymbolicLink(data.resolve("coco"), suite.resolve("captions"));
    // MMBench-dev: the suite's TSV in VLMEvalKit's layout, under the file name VLMEvalKit uses
    Files.createDirectories(data.resolve("mmbench"));
    Files.copy(
        suite.resolve("mmbench/mmbench_dev_en.tsv"),
        data.resolve("mmbench").resolve("MMBench_DEV_EN.tsv"));
    // LLaVA-format conversations about the captioned images, their images under llava/coco/
    // (copied: the loader refuses image links that lead out of its root)
    Path llava = Files.createDirectories(data.resolve("llava"));
    Files.createDirectories(llava.resolve("coco"));
    try (Stream<Path> images = Files.list(suite.resolve("captions/images"))) {
      for (Path image : images.toList()) {
        Files.copy(image, llava.resolve("coco").resolve(image.getFileName()));
      }
    }
    ObjectMapper json = new ObjectMapper();
    JsonNode karpathy = json.readTree(suite.resolve("captions/dataset_coco.json").toFile());
    JsonNode chinese = json.readTree(suite.resolve("captions/dataset_coco_zh.json").toFile());
    List<Map<String, Object>> conversations = new ArrayList<>();
    try (Writer jsonl =
        Files.newBufferedWriter(llava.resolve("more.jsonl"), StandardCharsets.UTF_8)) {
      for (int i = 0; i < karpathy.get("images").size(); i++) {
        JsonNode img = karpathy.get("images").get(i);
        if (!img.get("split").asText().equals("train")) {
          continue;
        }
        String image = "coco/" + img.get("filename").asText();
        String caption = img.get("sentences").get(0).get("raw").asText();
        // replies the shipped chat model never learned (Chinese), so the loss has room to fall
        String translated =
            chinese.get("images").get(i).get("sentences").get(0).get("raw").asText();
        conversations.add(
            conversation(
                "c" + i,
                image,
                List.of(
                    "<image>\nDescribe the image in one sentence.",
                    caption,
                    "Say it in Chinese.",
                    translated)));
        jsonl.write(
            json.writeValueAsString(
                    conversation(
                        "m" + i,
                        image,
                        List.of("What does the picture show?\n<image>", translated)))
                + "\n");
      }
    }
    Files.writeString(
        llava.resolve("llava_v1_5_mix665k.json"), json.writeValueAsString(conversations));
    Path meta = Files.createDirectories(data.resolve("internvl_sft"));
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("root", "../llava");
    entry.put("annotation", "../llava/more.jsonl");
    entry.put("repeat_time", 1);
    entry.put("data_augment", false);
    Files.writeString(
        meta.resolve("internvl_1_2_finetune.json"),
        json.writeValueAsString(Map.of("synthetic_chinese", entry)));
    ckpt = Files.createDirectories(temp.resolve("ckpt"));
    Files.createSymbolicLink(
        ckpt.resolve("InternVL-Chat"),
        Path.of(System.getProperty("vleval.repoRoot"), "models", "tiny-internvl-chat")
            .toAbsolutePath());
  }

  private static Map<String, Object> conversation(String id, String image, List<String> turns) {
    List<Map<String, String>> said = new ArrayList<>();
    for (int t = 0; t < turns.size(); t++) {
      said.add(Map.of("from", t % 2 == 0 ? "human" : "gpt", "value", turns.get(t)));
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("id", id);
    c.put("image", image);
    c.put("conversations", said);
    return c;
  }

  private static Path example(String name) {
    return Path.of(System.getProperty("vleval.repoRoot"), "examples", name);
  }

  private static String env(String name) {
    return switch (name) {
      case "DATA" -> data.toString();
      case "CKPT" -> ckpt.toString();
      default -> null;
    };
  }

  @Test
  void theTrainingExamplesValidateAsUsersRunThem() throws Exception {
    for (String name : List.of("train-coco-stage1.yaml", "sft-llava.yaml")) {
      ProcessBuilder pb =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  "io.vleval.cli.Main",
                  "train",
                  example(name).toString(),
                  "--validate")
              .redirectErrorStream(true);
      pb.environment().put("DATA", data.toString());
      pb.environment().put("CKPT", ckpt.toString());
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).contains(name + ": ok (1 stages)");
    }
  }

  /** Stage 1 on COCO captions in Karpathy's layout: 40 steps of 16 lower the loss. */
  @Test
  void stage1OnKarpathyCaptionsLowersItsLoss() {
    Training.StageOutcome o = runBriefly("train-coco-stage1.yaml", 40, 16, null, 5);
    assertThat(o.result().meanLoss(5, true)).isLessThan(o.result().meanLoss(5, false) * 0.8);
    // evaluated through the retrieval task on the held-out Karpathy test split, as declared
    assertThat(o.evaluation().resolve("results.json")).exists();
    assertThat(o.metrics().get("retrieval-coco.mean_recall")).isBetween(0.0, 1.0);
    assertThat(o.intervals()).containsKey("retrieval-coco.mean_recall");
  }

  /**
   * SFT on LLaVA-format conversations and InternVL's meta file, streamed: 30 steps of 8 from the
   * chat checkpoint lower the loss on the replies.
   */
  @Test
  void sftOnLlavaConversationsAndTheMetaFileLowersItsLoss() {
    Training.StageOutcome o = runBriefly("sft-llava.yaml", 30, 8, 1e-3, 3);
    assertThat(o.result().meanLoss(5, true)).isLessThan(o.result().meanLoss(5, false) * 0.8);
    // evaluated through the mmbench task on the held-out MMBench-dev TSV, as declared
    assertThat(o.evaluation().resolve("results.json")).exists();
    assertThat(o.metrics().get("mmbench-dev.Overall")).isBetween(0.0, 1.0);
  }

  /**
   * Runs an example's one stage with its steps, batch (no accumulation) and, where given, its peak
   * rate made small, into a temporary folder; everything else as the example declares it.
   */
  private Training.StageOutcome runBriefly(
      String name, int steps, int batch, Double lr, int warmup) {
    TrainSpec declared = TrainConfigLoader.load(example(name), TrainExamplesTest::env);
    StageSpec s = declared.stages().get(0);
    OptimizerSpec o = s.optimizer();
    StageSpec brief =
        new StageSpec(
            s.name(),
            s.kind(),
            s.model(),
            s.data(),
            steps,
            batch,
            1,
            new OptimizerSpec(
                lr != null ? lr : o.lr(), o.betas(), o.eps(), o.weightDecay(), o.visionLr()),
            new ScheduleSpec(warmup, s.schedule().minLrRatio()),
            s.clipGradNorm(),
            steps,
            null,
            s.unfreeze(),
            s.mcReply(),
            s.captionTurns(),
            s.heldout(),
            s.evalHeads(),
            s.eval());
    Path out = temp.resolve("runs").resolve(name);
    TrainSettings t = declared.train();
    TrainSpec spec =
        new TrainSpec(
            new TrainSettings(t.name(), t.seed(), out, 1, "cpu", t.precision()),
            List.of(brief),
            declared.datasets());
    List<String> messages = new ArrayList<>();
    Training.StageOutcome outcome =
        TrainingJob.run(
                spec,
                temp.resolve("cache"),
                false,
                new TrainingListener() {
                  @Override
                  public void onStep(StepReport r) {}

                  @Override
                  public void onMessage(String m) {
                    messages.add(m);
                  }
                })
            .get(0);
    System.out.printf(
        Locale.ROOT,
        "%s: %d steps, loss %.3f -> %.3f; %s%n",
        name,
        steps,
        outcome.result().meanLoss(5, false),
        outcome.result().meanLoss(5, true),
        messages);
    return outcome;
  }
}
