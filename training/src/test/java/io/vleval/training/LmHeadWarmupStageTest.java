package io.vleval.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.model.internvl.provider.Presets;
import io.vleval.model.internvl.safetensors.SafetensorsFile;
import io.vleval.testkit.SpecYaml;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.spec.StageKind;
import io.vleval.training.spec.StageSpec;
import io.vleval.training.spec.TrainSpec;
import io.vleval.training.stage.CgStageModel;
import io.vleval.training.stage.LmHeadWarmupObjective;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code lm-head-warmup} stage (one intra-op thread, ~10 s): it trains QLLaMA's {@code lm_head}
 * and nothing else — every other tensor of its checkpoint is bitwise its input's, the text path and
 * so the InternVL-C metrics of its {@code eval:} tasks are unchanged — and its loss falls from
 * ln(vocab).
 */
class LmHeadWarmupStageTest {

  private static final String LM_HEAD_KEY = "qllama.lm_head.weight";

  @TempDir Path out;

  @Test
  void onlyLmHeadTrains() {
    try (CgStageModel m = CgStageModel.random(Presets.tinyInternVl(), 0)) {
      List<String> trained =
          m.parameters().keySet().stream().filter(LmHeadWarmupObjective::trains).toList();
      assertThat(trained).containsExactly("qllama.head");
      assertThat(m.parameters())
          .containsKey("qllama.norm"); // the final norm is on the text path: frozen
    }
  }

  @Test
  void yamlNamesTheKindAndListsItWhenMisspelt() {
    SpecYaml yaml = new SpecYaml(out);
    StageSpec w =
        yaml.bind(
            StageSpec.class,
            "name: w\nkind: lm-head-warmup\nmodel: {from: s1}\nsteps: 300\ndata: {captions: [c]}\n");
    assertThat(w.kind()).isEqualTo(StageKind.LM_HEAD_WARMUP);
    assertThatThrownBy(
            () ->
                yaml.bind(
                    StageSpec.class,
                    "name: w\nkind: lm-head-warmpu\nmodel: {from: s1}\nsteps: 3\ndata: {captions: [c]}\n"))
        .hasMessageContaining("did you mean 'lm-head-warmup'?")
        .hasMessageContaining(
            "allowed values: contrastive, lm-head-warmup, generative, lm-warmup, sft");
  }

  @Test
  void changesOnlyLmHeadAndLowersTheLoss() throws Exception {
    String eval =
        """
            eval:
              - {name: zero-shot, type: zero-shot-classification, dataset: classification-val}
              - {name: retrieval, type: retrieval, dataset: captions-test}
        """;
    // the warm-up has the default weight decay (0.05), so that decay too is seen to touch nothing
    // but lm_head
    TrainSpec spec =
        EvalRecipes.load(
            out,
            """
            train: {name: w, seed: 0}
            stages:
              - name: s1
                kind: contrastive
                model: {preset: tiny-internvl, seed: 0}
                data: {captions: captions-en, labelled: shapes-train}
                steps: 4
                batch_size: 8
                optimizer: {lr: 2.0e-3}
                schedule: {warmup_steps: 1, min_lr_ratio: 0.1}
            """
                + eval
                + """
              - name: w
                kind: lm-head-warmup
                model: {from: s1}
                data: {captions: captions-en}
                steps: 30
                batch_size: 32
                optimizer: {lr: 5.0e-2}
                schedule: {warmup_steps: 3, min_lr_ratio: 0.1}
                heldout: captions-test
            """
                + eval);
    List<Training.StageOutcome> o =
        new Training(spec, SyntheticData.inputs(spec), out, TrainingListener.NONE).run(false);
    Path before = o.get(0).checkpoint();
    Path after = o.get(1).checkpoint();

    try (SafetensorsFile a = SafetensorsFile.open(before.resolve("model.safetensors"));
        SafetensorsFile b = SafetensorsFile.open(after.resolve("model.safetensors"))) {
      assertThat(b.keys()).containsExactlyInAnyOrderElementsOf(a.keys());
      assertThat(a.keys())
          .contains(LM_HEAD_KEY, "qllama.model.norm.weight", "text_projection", "itm_head.weight");
      List<String> changed = new ArrayList<>();
      for (String k : a.keys()) {
        assertThat(b.info(k).dtype()).as(k).isEqualTo(a.info(k).dtype());
        assertThat(b.info(k).shape()).as(k).isEqualTo(a.info(k).shape());
        if (!a.raw(k).equals(b.raw(k))) {
          changed.add(k);
        }
      }
      assertThat(changed).as("tensors whose bytes changed").containsExactly(LM_HEAD_KEY);
    }
    assertThat(Files.readAllBytes(after.resolve("config.json")))
        .isEqualTo(Files.readAllBytes(before.resolve("config.json")));
    assertThat(Files.readAllBytes(after.resolve("tokenizer.json")))
        .isEqualTo(Files.readAllBytes(before.resolve("tokenizer.json")));

    // the text path is untouched, so every InternVL-C figure the eval: tasks report is stage 1's to
    // the last bit (the bootstrap intervals are drawn per model entry, named after the stage)
    assertThat(o.get(0).metrics()).containsKeys("zero-shot.acc1", "retrieval.mean_recall");
    o.get(0).metrics().forEach((k, v) -> assertThat(o.get(1).metrics().get(k)).as(k).isEqualTo(v));
    double lnVocab = Math.log(Presets.tinyInternVl().qllama().vocabSize());
    double first = o.get(1).result().firstLoss();
    double last = o.get(1).result().meanLoss(3, true);
    System.out.printf(
        "lm-head warm-up: loss %.4f -> %.4f (ln vocab %.4f), %s%n",
        first, last, lnVocab, o.get(1).metrics());
    assertThat(first).isCloseTo(lnVocab, Offset.offset(0.3)); // the untrained head: where ITG sat
    assertThat(last).isLessThan(first - 2);
    assertThat(o.get(1).metrics().get("itg_heldout_text_only")).isLessThan(lnVocab - 2);
  }
}
