package io.vleval.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.model.internvl.provider.Presets;
import io.vleval.training.loop.StepReport;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.spec.TrainSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stage 1, the {@code lm_head} warm-up, then stage 2 on the tiny synthetic suite (one intra-op
 * thread, ~1 min): stage 2's ITC part falls clearly and its total loss (ITC + ITM + ITG) falls, its
 * ITG part falls from where the warm-up left it to far below ln(vocab), and the InternVL-G
 * retrieval Recall@1 of its {@code eval:} task is above what stage 1's task reports for InternVL-C.
 */
class GenerativeStageTest {

  @TempDir Path out;

  @Test
  void lossFallsAndRetrievalRises() {
    TrainSpec spec =
        EvalRecipes.load(
            out,
            String.format(
                Locale.ROOT,
                """
                train: {name: g, seed: 0}
                stages:
                  - name: s1
                    kind: contrastive
                    model: {preset: tiny-internvl, seed: 0}
                    data: {captions: captions-en, labelled: shapes-train}
                    steps: %d
                    optimizer: {lr: %s}
                    schedule: {warmup_steps: 5, min_lr_ratio: 0.1}
                    eval:
                      - {name: retrieval, type: retrieval, dataset: captions-test}
                  - name: w
                    kind: lm-head-warmup
                    model: {from: s1}
                    data: {captions: captions-en}
                    steps: %d
                    optimizer: {lr: %s, weight_decay: 0.0}
                    schedule: {warmup_steps: 5, min_lr_ratio: 0.1}
                    heldout: captions-test
                  - name: s2
                    kind: generative
                    model: {from: w}
                    data: {captions: captions-en}
                    steps: %d
                    batch_size: 16
                    optimizer: {lr: %s}
                    schedule: {warmup_steps: 5, min_lr_ratio: 0.1}
                    eval:
                      - {name: retrieval, type: retrieval, dataset: captions-test}
                """,
                Integer.getInteger("steps1", 200),
                System.getProperty("lr1", "2e-3"),
                Integer.getInteger("stepsW", 300),
                System.getProperty("lrW", "5e-2"),
                Integer.getInteger("steps2", 40),
                System.getProperty("lr2", "2e-3")));
    List<Double> itc = new ArrayList<>();
    List<Double> itg = new ArrayList<>();
    List<Training.StageOutcome> o =
        new Training(
                spec,
                SyntheticData.inputs(spec),
                out,
                new TrainingListener() {
                  @Override
                  public void onStep(StepReport r) {
                    if (r.stage().equals("s2")) {
                      itc.add(r.parts().get("itc"));
                      itg.add(r.parts().get("itg"));
                    }
                    if (r.step() % Integer.getInteger("every", 20) == 0) {
                      System.out.printf(
                          "%s step %d loss %.4f %s %.0f samples/s%n",
                          r.stage(), r.step(), r.loss(), r.parts(), r.samplesPerSecond());
                    }
                  }

                  @Override
                  public void onMessage(String m) {
                    System.out.println(m);
                  }
                })
            .run(false);
    Training.StageOutcome warm = o.get(1);
    Training.StageOutcome g = o.get(2);
    System.out.printf(
        "warm-up: first %.4f last %.4f (%.1f s); %s%n",
        warm.result().meanLoss(5, false),
        warm.result().meanLoss(5, true),
        warm.result().seconds(),
        warm.metrics());
    System.out.printf(
        "stage 2: first %.4f last %.4f (%.1f s); stage 1 %s (%.1f s); stage 2 %s%n",
        g.result().meanLoss(5, false),
        g.result().meanLoss(5, true),
        g.result().seconds(),
        o.get(0).metrics(),
        o.get(0).result().seconds(),
        g.metrics());
    double itcFirst =
        itc.subList(0, 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double itcLast =
        itc.subList(itc.size() - 5, itc.size()).stream()
            .mapToDouble(Double::doubleValue)
            .average()
            .orElseThrow();
    System.out.printf("stage 2 ITC: first %.4f last %.4f%n", itcFirst, itcLast);
    double itgFirst =
        itg.subList(0, 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double itgLast =
        itg.subList(itg.size() - 5, itg.size()).stream()
            .mapToDouble(Double::doubleValue)
            .average()
            .orElseThrow();
    System.out.printf("stage 2 ITG: first %.4f last %.4f%n", itgFirst, itgLast);
    // ITC must fall clearly and the sum must fall; ITM stays near ln 2 in 40 steps
    assertThat(itcLast).isLessThan(itcFirst * 0.85);
    assertThat(g.result().meanLoss(5, true)).isLessThan(g.result().meanLoss(5, false) - 0.3);
    // the retrieval task on each stage's final checkpoint: InternVL-G (head g) after stage 2,
    // InternVL-C (head c) after stage 1
    assertThat(EvalRecipes.meanRecallAt1(g.metrics(), "retrieval"))
        .isGreaterThan(EvalRecipes.meanRecallAt1(o.get(0).metrics(), "retrieval"));
    // ITG: without the warm-up it sits at 6.87 for good (ln 1000 = 6.91: lm_head is frozen and
    // untrained);
    // measured with it: the warm-up reaches 1.65 held-out (text only), stage 2's ITG goes 2.15 ->
    // 1.66 (README, "Stage 2")
    double lnVocab = Math.log(Presets.tinyInternVl().qllama().vocabSize());
    assertThat(warm.metrics().get("itg_heldout_text_only")).isLessThan(lnVocab - 4.4);
    assertThat(itgLast).isLessThan(lnVocab - 4.4); // 2.51
    assertThat(itgLast).isLessThan(itgFirst - 0.25);
  }
}
