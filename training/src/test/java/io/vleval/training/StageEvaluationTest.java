package io.vleval.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.result.MetricValue;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.results.ResultCodec;
import io.vleval.training.loop.StepReport;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.spec.TrainSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each stage's {@code eval:} tasks run on its final checkpoint through the runner, into {@code
 * OUT/<stage>/eval/} (a run directory), their metrics in {@code done.json} and the stage's outcome;
 * {@code --resume} of a finished stage does not evaluate it again, an interrupted evaluation is
 * continued from its records, and the evaluation changes no trained byte.
 */
class StageEvaluationTest {

  private static final String STAGES =
      """
      train: {name: e, seed: 3}
      stages:
        - name: c
          kind: contrastive
          model: {preset: tiny-internvl}
          data: {captions: captions-en, labelled: shapes-train}
          steps: 6
          batch_size: 8
          checkpoint_every: 3
      %s
        - name: g
          kind: generative
          model: {from: c}
          data: {captions: captions-en}
          steps: 2
          batch_size: 4
      %s
      """;

  private static final String C_EVAL =
      """
          eval:
            - {name: zero-shot, type: zero-shot-classification, dataset: classification-val}
            - {name: retrieval, type: retrieval, dataset: captions-test}
      """;

  private static final String G_EVAL =
      """
          heldout: captions-test
          eval_heads: [g, c]
          eval:
            - {name: retrieval, type: retrieval, dataset: captions-test}
      """;

  @TempDir Path out;
  @TempDir Path plain;

  @Test
  void scoresEachCheckpointThroughTheRunnerAndResumeDoesNotScoreAFinishedStageAgain()
      throws Exception {
    TrainSpec spec = EvalRecipes.load(out, STAGES.formatted(C_EVAL, G_EVAL));
    List<Training.StageOutcome> o =
        new Training(spec, SyntheticData.inputs(spec), out, TrainingListener.NONE).run(false);

    Training.StageOutcome c = o.get(0);
    assertThat(c.evaluation()).isEqualTo(out.resolve("c").resolve("eval"));
    assertThat(c.evaluation().resolve("samples")).isDirectory();
    assertThat(Files.readString(c.evaluation().resolve("config.yaml")))
        .contains("checkpoint: ../checkpoint-000006");
    RunResult cRun = results(c.evaluation());
    assertThat(cRun.tasks()).extracting(TaskResult::task).containsExactly("zero-shot", "retrieval");
    assertThat(cRun.tasks()).extracting(TaskResult::model).containsOnly("c");
    assertThat(cRun.provenance().seed()).isEqualTo(3);
    // every metric of every task, in the outcome and in done.json, with its interval
    JsonNode done = new ObjectMapper().readTree(out.resolve("c/done.json").toFile());
    assertThat(done.get("evaluation").asText()).isEqualTo("eval");
    int count = 0;
    for (TaskResult t : cRun.tasks()) {
      for (MetricValue m : t.metrics()) {
        String key = t.task() + "." + m.name();
        assertThat(c.metrics().get(key)).as(key).isEqualTo(m.value());
        assertThat(done.get("metrics").get(key).asDouble()).as(key).isEqualTo(m.value());
        if (m.interval() != null) {
          assertThat(c.intervals().get(key)).as(key).isEqualTo(m.interval());
          assertThat(done.get("intervals").get(key).get("lower").asDouble())
              .isEqualTo(m.interval().lower());
        }
        count++;
      }
    }
    assertThat(c.metrics()).hasSize(count);
    assertThat(c.intervals()).containsKey("zero-shot.acc1");

    // the generative stage: head g under the stage's name, head c under "c/" (model "g-c"); its C
    // path is stage 1's, frozen, so head c retrieves exactly as stage 1 did
    Training.StageOutcome g = o.get(1);
    RunResult gRun = results(g.evaluation());
    assertThat(gRun.tasks()).extracting(TaskResult::model).containsExactly("g", "g-c");
    for (String k : List.of("mean_recall", "image_retrieval_recall@1", "text_retrieval_recall@5")) {
      assertThat(g.metrics().get("c/retrieval." + k))
          .as(k)
          .isEqualTo(c.metrics().get("retrieval." + k));
      assertThat(g.metrics()).containsKey("retrieval." + k);
    }
    assertThat(g.metrics())
        .containsKeys("itg_heldout_text_only", "itg_heldout", "itg_heldout_other_image");

    // --resume: both stages are finished, so neither is evaluated again (the records removed here
    // would be written again, and results.json rewritten)
    byte[] cResults = Files.readAllBytes(c.evaluation().resolve("results.json"));
    byte[] gResults = Files.readAllBytes(g.evaluation().resolve("results.json"));
    deleteTree(c.evaluation().resolve("samples"));
    deleteTree(g.evaluation().resolve("samples"));
    List<Training.StageOutcome> again =
        new Training(spec, SyntheticData.inputs(spec), out, TrainingListener.NONE).run(true);
    assertThat(again).allMatch(Training.StageOutcome::skipped);
    assertThat(c.evaluation().resolve("samples")).doesNotExist();
    assertThat(g.evaluation().resolve("samples")).doesNotExist();
    assertThat(c.evaluation().resolve("results.json")).hasBinaryContent(cResults);
    assertThat(g.evaluation().resolve("results.json")).hasBinaryContent(gResults);
    assertThat(again.get(0).metrics()).isEqualTo(c.metrics());
    assertThat(again.get(0).intervals()).isEqualTo(c.intervals());
    assertThat(again.get(0).evaluation()).isEqualTo(c.evaluation());
    assertThat(again.get(1).metrics()).isEqualTo(g.metrics());

    // the same recipe without evaluations trains the same bytes: evaluating reads the checkpoints
    // and disturbs nothing that a later stage trains with
    TrainSpec bare = EvalRecipes.load(plain, STAGES.formatted("", ""));
    List<Training.StageOutcome> p =
        new Training(bare, SyntheticData.inputs(bare), plain, TrainingListener.NONE).run(false);
    assertThat(p.get(0).evaluation()).isNull();
    assertThat(plain.resolve("c/eval")).doesNotExist();
    for (int i = 0; i < 2; i++) {
      for (String f : List.of("model.safetensors", "optimizer.safetensors")) {
        assertThat(sha256(p.get(i).checkpoint().resolve(f)))
            .as(p.get(i).stage() + " " + f)
            .isEqualTo(sha256(o.get(i).checkpoint().resolve(f)));
      }
    }
  }

  @Test
  void anInterruptedEvaluationIsContinuedFromItsRecords() throws Exception {
    TrainSpec spec = EvalRecipes.load(out, STAGES.formatted(C_EVAL, ""));
    Training.StageOutcome first =
        new Training(spec, SyntheticData.inputs(spec), out, TrainingListener.NONE)
            .run(false)
            .get(0);
    // as if the process had stopped after the last record, before results.json and done.json
    Files.delete(out.resolve("c/done.json"));
    Files.delete(first.evaluation().resolve("results.json"));
    List<String> messages = new ArrayList<>();
    TrainingListener listener =
        new TrainingListener() {
          @Override
          public void onStep(StepReport r) {
            messages.add("step " + r.step());
          }

          @Override
          public void onMessage(String m) {
            messages.add(m);
          }
        };
    Training.StageOutcome resumed =
        new Training(spec, SyntheticData.inputs(spec), out, listener).run(true).get(0);
    assertThat(resumed.skipped()).isFalse();
    assertThat(messages).noneMatch(m -> m.startsWith("step "));
    assertThat(messages).anyMatch(m -> m.startsWith("c: continuing the interrupted evaluation"));
    assertThat(resumed.metrics()).isEqualTo(first.metrics());
    assertThat(first.evaluation().resolve("results.json")).exists();
    assertThat(out.resolve("c/done.json")).exists();
  }

  private static RunResult results(Path runDirectory) throws Exception {
    Path file = runDirectory.resolve("results.json");
    return ResultCodec.parse(Files.readString(file), file.toString());
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static void deleteTree(Path dir) throws Exception {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
