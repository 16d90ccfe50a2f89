package io.vleval.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.vleval.model.internvl.provider.Presets;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.training.loop.Objective;
import io.vleval.training.spec.StageKind;
import io.vleval.training.stage.CgStageModel;
import io.vleval.training.stage.ContrastiveObjective;
import io.vleval.training.stage.GenerativeObjective;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The gradients of both stages' losses do not depend on whether the garbage collector runs between
 * the forward and the backward pass. Before {@code nd.Scalars}, a constant that DJL had wrapped in
 * a Java-owned buffer and closed (the attention scale, the L2-normalization floor, the loss
 * halving...) was freed by the GC and read back by the backward pass: this test saw NaN in
 * InternViT's first block and embeddings (stage 1) and in the cross-attention and queries (stage
 * 2), the symptoms of the training runs.
 */
class BackwardAfterGcTest {

  @Test
  void contrastiveGradientsSurviveAGc() throws Exception {
    check(
        m ->
            new ContrastiveObjective(
                m, tokenizer(), SyntheticData.stage(StageKind.CONTRASTIVE, 56), 0),
        ContrastiveObjective::trains);
  }

  @Test
  void generativeGradientsSurviveAGc() throws Exception {
    check(
        m ->
            new GenerativeObjective(
                m, tokenizer(), SyntheticData.stage(StageKind.GENERATIVE, 56), 0),
        GenerativeObjective::trains);
  }

  private static TextTokenizer tokenizer;

  private static synchronized TextTokenizer tokenizer() {
    if (tokenizer == null) {
      tokenizer = Training.tinyTokenizer();
    }
    return tokenizer;
  }

  private static void check(Function<CgStageModel, Objective> objective, Predicate<String> trains)
      throws Exception {
    try (CgStageModel model = CgStageModel.random(Presets.tinyInternVl(), 1)) {
      Map<String, NDArray> trainable = new LinkedHashMap<>();
      model
          .parameters()
          .forEach(
              (k, a) -> {
                if (trains.test(k)) {
                  trainable.put(k, a);
                  a.setRequiresGradient(true);
                }
              });
      Objective o = objective.apply(model);
      int[] samples = new int[8];
      for (int i = 0; i < samples.length; i++) {
        samples[i] = i * 3;
      }
      Map<String, float[]> quiet = gradients(model, o, samples, trainable, false);
      Map<String, float[]> collected = gradients(model, o, samples, trainable, true);
      assertThat(collected.keySet()).isEqualTo(quiet.keySet());
      for (String k : quiet.keySet()) {
        assertThat(collected.get(k)).as(k).containsExactly(quiet.get(k));
      }
    }
  }

  private static Map<String, float[]> gradients(
      CgStageModel model,
      Objective o,
      int[] samples,
      Map<String, NDArray> trainable,
      boolean gcBetween)
      throws InterruptedException {
    List<ByteBuffer> poison = new ArrayList<>();
    Map<String, float[]> out = new LinkedHashMap<>();
    try (NDManager batch = model.manager().newSubManager()) {
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray loss = o.loss(samples, 0, batch, new HashMap<>());
        if (gcBetween) {
          poison.addAll(FreedMemory.collectAndPoison());
        }
        gc.backward(loss);
      }
      trainable.forEach(
          (k, w) -> {
            NDArray g;
            try {
              g = w.getGradient();
            } catch (IllegalStateException unreached) {
              return;
            }
            g.attach(batch);
            out.put(k, g.toFloatArray());
            g.muli(0);
          });
    }
    assertThat(poison).hasSize(gcBetween ? 20_000 : 0);
    return out;
  }
}
