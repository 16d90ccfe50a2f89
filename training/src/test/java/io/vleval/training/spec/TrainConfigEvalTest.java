package io.vleval.training.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.config.TaskEntry;
import io.vleval.api.error.ConfigException;
import io.vleval.model.internvl.provider.InternVlSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage's {@code eval:} tasks are bound and checked when the recipe loads, as {@code vleval
 * validate} checks a run's tasks, against the recipe's datasets and the model the stage ends with
 * (InternVL-C after contrastive and lm-head-warmup stages, InternVL-G after generative ones,
 * InternVL-Chat after the chat stages); every problem is reported at once with its place.
 */
class TrainConfigEvalTest {

  private static final String DATASETS =
      """
      datasets:
        - {name: shapes-val, type: synthetic, part: classification-val}
        - {name: captions-test, type: synthetic, part: captions-test}
        - {name: questions, type: synthetic, part: mmbench}
        - {name: captions-train, type: synthetic, part: captions-train}
      """;

  @TempDir Path dir;

  private TrainSpec load(String yaml) throws Exception {
    Path file = dir.resolve("recipe.yaml");
    Files.writeString(file, DATASETS + yaml);
    return TrainConfigLoader.load(file);
  }

  @Test
  void bindsEachStagesTasksForTheModelItEndsWith() throws Exception {
    TrainSpec spec =
        load(
            """
            stages:
              - name: s1
                kind: contrastive
                model: {preset: tiny-internvl}
                steps: 1
                data: {captions: captions-train}
                eval:
                  - {name: zero-shot, type: zero-shot-classification, dataset: shapes-val, resamples: 0}
                  - {name: retrieval, type: retrieval, dataset: captions-test, batch_size: 4}
              - name: s2
                kind: generative
                model: {from: s1}
                steps: 1
                data: {captions: captions-train}
                heldout: captions-test
                eval_heads: [g, c]
                eval:
                  - {name: retrieval, type: retrieval, dataset: captions-test}
                  - {name: captioning, type: captioning, dataset: captions-test}
              - name: s3
                kind: sft
                model: {from: s2, llm_hidden: 64}
                steps: 1
                data: {captions: captions-train}
                eval:
                  - {name: mmbench, type: mmbench, dataset: questions}
            """);
    StageSpec s1 = spec.stages().get(0);
    assertThat(s1.eval()).extracting(TaskEntry::name).containsExactly("zero-shot", "retrieval");
    assertThat(s1.eval()).extracting(TaskEntry::models).containsOnly(List.of("s1"));
    assertThat(s1.eval().get(1).batchSize()).isEqualTo(4);
    assertThat(s1.eval().get(0).location().line()).isEqualTo(13);
    assertThat(s1.evalHeads()).containsExactly(InternVlSpec.Head.C);
    StageSpec s2 = spec.stages().get(1);
    assertThat(s2.heldout()).isEqualTo("captions-test");
    // retrieval runs with both heads, captioning only with head g (head c has no captioning)
    assertThat(s2.eval().get(0).models()).containsExactly("s2", "s2-c");
    assertThat(s2.eval().get(1).models()).containsExactly("s2");
    assertThat(spec.stages().get(2).eval().get(0).models()).containsExactly("s3");
    assertThat(spec.stages().get(2).evalHeads()).isEmpty();
  }

  @Test
  void reportsEveryProblemOfTheEvalListsWithItsPlace() throws Exception {
    assertThatThrownBy(
            () ->
                load(
                    """
                    stages:
                      - name: s1
                        kind: contrastive
                        model: {preset: tiny-internvl}
                        steps: 1
                        data: {captions: captions-train}
                        eval:
                          - {name: a, type: zero-shot-clasification, dataset: shapes-val}
                          - {name: b, type: zero-shot-classification, dataset: shapes-val, templatez: t.txt}
                          - {name: c, type: retrieval, dataset: captions-tset}
                          - {name: d, type: retrieval, dataset: shapes-val}
                          - {name: e, type: captioning, dataset: captions-test}
                          - {name: f, type: retrieval, dataset: captions-test, models: [x]}
                      - name: s3
                        kind: sft
                        model: {from: s1}
                        steps: 1
                        data: {captions: captions-train}
                        eval:
                          - {name: zs, type: zero-shot-classification, dataset: shapes-val}
                          - {name: mm, type: mmbench, dataset: questions}
                          - {name: mm, type: mmbench, dataset: questions}
                    """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("recipe.yaml:13:25: unknown task type 'zero-shot-clasification'")
        .hasMessageContaining("did you mean 'zero-shot-classification'?")
        .hasMessageContaining(
            "recipe.yaml:14:72: unknown key 'templatez' in task 'b' (type"
                + " zero-shot-classification) of 'eval' of stage 's1'; did you mean 'templates'?")
        .hasMessageContaining(
            "recipe.yaml:15:45: task 'c' (retrieval) of 'eval' of stage 's1' names dataset"
                + " 'captions-tset', which is not defined; did you mean 'captions-test'?")
        .hasMessageContaining(
            "recipe.yaml:16:45: task 'd' (retrieval) of 'eval' of stage 's1' reads CaptionedImage"
                + " samples, but dataset 'shapes-val' yields LabelledImage samples")
        .hasMessageContaining(
            "recipe.yaml:17:9: task 'e' (captioning) of 'eval' of stage 's1' needs"
                + " CaptionGenerator, which the final checkpoint of stage 's1' (InternVL-C, head c)"
                + " does not have; leave it out of 'eval' of stage 's1'")
        .hasMessageContaining(
            "recipe.yaml:18:60: 'models' in task 'f' of 'eval' of stage 's1': these tasks run on"
                + " the final checkpoint of stage 's1' (InternVL-C, head c); remove 'models'")
        .hasMessageContaining(
            "recipe.yaml:25:9: task 'zs' (zero-shot-classification) of 'eval' of stage 's3'"
                + " needs ")
        .hasMessageContaining("which the final checkpoint of stage 's3' (InternVL-Chat) does not")
        .hasMessageContaining(
            "recipe.yaml:27:16: a second task is named 'mm'; names must be unique");
  }

  @Test
  void refusesHeldOutCaptionsAndHeadsThatTheStageCannotUse() throws Exception {
    assertThatThrownBy(
            () ->
                load(
                    """
                    stages:
                      - {name: s1, kind: contrastive, model: {preset: tiny-internvl}, steps: 1, heldout: captions-test, data: {captions: [captions-train]}}
                      - {name: w, kind: lm-head-warmup, model: {from: s1}, steps: 1, heldout: shapes-val, data: {captions: [captions-train]}}
                      - {name: g, kind: generative, model: {from: w}, steps: 1, heldout: captions-tst, data: {captions: [captions-train]}}
                      - {name: c, kind: contrastive, model: {from: g}, steps: 1, eval_heads: [g], data: {captions: [captions-train]}}
                    """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "recipe.yaml:7:5: invalid 'stages[0]' of the training config: 'heldout' applies to"
                + " lm-head-warmup and generative stages")
        .hasMessageContaining(
            "'eval_heads' lists g; a contrastive stage's checkpoint is evaluated as InternVL-C");
    assertThatThrownBy(
            () ->
                load(
                    """
                    stages:
                      - {name: s1, kind: contrastive, model: {preset: tiny-internvl}, steps: 1, data: {captions: [captions-train]}}
                      - {name: w, kind: lm-head-warmup, model: {from: s1}, steps: 1, heldout: shapes-val, data: {captions: [captions-train]}}
                      - {name: g, kind: generative, model: {from: w}, steps: 1, heldout: captions-tst, data: {captions: [captions-train]}}
                    """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "recipe.yaml:8:75: 'heldout' of stage 'w' names dataset 'shapes-val', which yields"
                + " LabelledImage samples; the held-out ITG loss reads CaptionedImage samples")
        .hasMessageContaining(
            "recipe.yaml:9:70: 'heldout' of stage 'g' names dataset 'captions-tst', which is not"
                + " defined; did you mean 'captions-test'?");
  }
}
