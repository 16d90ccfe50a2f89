package io.vleval.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.plugin.PluginContext;
import io.vleval.model.internvl.clip.InternVlCg;
import io.vleval.model.internvl.provider.InternVlProvider;
import io.vleval.model.internvl.provider.InternVlSpec;
import io.vleval.model.internvl.safetensors.SafetensorsFile;
import io.vleval.training.loop.StepReport;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.loop.TrainingLoop;
import io.vleval.training.spec.ModelInitSpec;
import io.vleval.training.spec.OptimizerSpec;
import io.vleval.training.spec.ScheduleSpec;
import io.vleval.training.spec.StageKind;
import io.vleval.training.spec.StageSpec;
import io.vleval.training.spec.TrainSettings;
import io.vleval.training.spec.TrainSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage interrupted after a checkpoint and resumed ends with exactly the loss (and weights) of an
 * uninterrupted run with the same seed; checkpoints load back through the ordinary loader.
 */
class ResumeTest {

  @TempDir Path tmp;

  /** Thrown by the listener to simulate a kill after a step. */
  private static final class Interrupt extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Interrupt() {
      super("interrupted");
    }
  }

  private static TrainSpec spec(Path out, StageKind kind) {
    StageSpec stage =
        new StageSpec(
            "s",
            kind,
            new ModelInitSpec("tiny-internvl", null, null, 3L, null, null),
            8,
            8,
            2,
            new OptimizerSpec(2e-3, null, null, null),
            new ScheduleSpec(2, 0.0),
            0.5,
            3,
            null);
    return SyntheticData.spec(new TrainSettings("r", 7L, out, 0, null, null), List.of(stage));
  }

  private Training training(Path out, TrainingListener listener) {
    TrainSpec spec = spec(out, StageKind.CONTRASTIVE);
    return new Training(spec, SyntheticData.inputs(spec), out, listener);
  }

  @Test
  void resumedStageEndsWithTheUninterruptedLoss() throws Exception {
    Path full = tmp.resolve("full");
    Training.StageOutcome a = training(full, TrainingListener.NONE).run(false).get(0);

    Path cut = tmp.resolve("cut");
    TrainingListener killer =
        new TrainingListener() {
          @Override
          public void onStep(StepReport r) {
            if (r.step() == 5) {
              throw new Interrupt(); // after the step-3 checkpoint, before the step-6 one
            }
          }
        };
    try {
      training(cut, killer).run(false);
    } catch (Interrupt expected) {
      // the process "dies" here
    }
    assertThat(TrainingLoop.lastCheckpoint(cut.resolve("s")))
        .hasValueSatisfying(
            p -> assertThat(p.getFileName().toString()).isEqualTo("checkpoint-000003"));
    Training.StageOutcome b = training(cut, TrainingListener.NONE).run(true).get(0);

    assertThat(b.result().losses()).hasSize(8);
    assertThat(b.result().finalLoss()).isEqualTo(a.result().finalLoss());
    assertThat(b.result().losses()).isEqualTo(a.result().losses());
    try (SafetensorsFile x = SafetensorsFile.open(a.checkpoint().resolve("model.safetensors"));
        SafetensorsFile y = SafetensorsFile.open(b.checkpoint().resolve("model.safetensors"))) {
      assertThat(y.keys()).isEqualTo(x.keys());
      for (String k : x.keys()) {
        assertThat(y.floats(k)).as(k).isEqualTo(x.floats(k));
      }
    }
    // a finished stage is skipped on a second --resume
    Training.StageOutcome c = training(cut, TrainingListener.NONE).run(true).get(0);
    assertThat(c.skipped()).isTrue();
    assertThat(c.result().finalLoss()).isEqualTo(a.result().finalLoss());
  }

  @Test
  void checkpointLoadsThroughTheProviderWithNoConversion() {
    Training.StageOutcome a = training(tmp, TrainingListener.NONE).run(false).get(0);
    Path ckpt = a.checkpoint();
    assertThat(ckpt.resolve("config.json")).exists();
    assertThat(ckpt.resolve("tokenizer.json")).exists();
    // the loader reads it back to the same weights (fused q/k/v and gate/up split and re-fused)
    try (InternVlCg loaded = InternVlCg.load(ckpt, ai.djl.Device.cpu());
        SafetensorsFile f = SafetensorsFile.open(ckpt.resolve("model.safetensors"))) {
      assertThat(f.keys())
          .contains(
              "qllama.model.layers.0.self_attn.q_proj.weight",
              "itm_head.weight",
              "logit_scale",
              "vision_model.embeddings.class_embedding");
      float[] q = f.floats("text_projection");
      assertThat(loaded.headWeights().get("text_projection").toFloatArray()).isEqualTo(q);
    }
    // and the harness's provider opens it as a model
    var provider = new InternVlProvider();
    var spec = new InternVlSpec(ckpt, null, null, null, null, InternVlSpec.Head.G, null, null);
    try (var model = provider.load(spec, new PluginContext(0, tmp, 1))) {
      assertThat(model.capability(ImageEmbedder.class)).isPresent();
    }
    assertThat(Files.exists(tmp.resolve("s").resolve("log.csv"))).isTrue();
  }
}
