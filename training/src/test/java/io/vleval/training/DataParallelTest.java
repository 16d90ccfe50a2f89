package io.vleval.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.vleval.model.internvl.safetensors.SafetensorsCheckpoint;
import io.vleval.training.loop.StepReport;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.spec.ModelInitSpec;
import io.vleval.training.spec.OptimizerSpec;
import io.vleval.training.spec.ScheduleSpec;
import io.vleval.training.spec.StageKind;
import io.vleval.training.spec.StageSpec;
import io.vleval.training.spec.TrainSettings;
import io.vleval.training.spec.TrainSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data parallelism ({@code device: cpu,cpu,cpu}: three replicas on the CPU, each computing a shard
 * of every micro-batch) follows the one-device run of every stage kind: the same loss and gradient
 * norm at every step and the same final weights, to rounding. Shards of 16 and 8 over three
 * replicas are uneven (5/5/6, 2/3/3), so the shares' normalization is exercised; InfoNCE (stages 1
 * and 2) needs the gathered features, stage 2's negatives come from other shards, and the
 * temperature is counted once: a replica computing its loss on its own shard, or a doubled
 * gradient, would change the gradient norm.
 */
class DataParallelTest {

  @TempDir Path out;

  private record Run(Map<String, List<double[]>> steps, List<Training.StageOutcome> outcomes) {}

  private Run train(String device) {
    OptimizerSpec adam = new OptimizerSpec(2e-3, null, null, null);
    ScheduleSpec schedule = new ScheduleSpec(1, 0.1);
    List<StageSpec> stages =
        List.of(
            new StageSpec(
                "c",
                StageKind.CONTRASTIVE,
                new ModelInitSpec("tiny-internvl", null, null, 0L, null, null),
                3,
                16,
                1,
                adam,
                schedule,
                1.0,
                null,
                null,
                null,
                null),
            new StageSpec(
                "w",
                StageKind.LM_HEAD_WARMUP,
                new ModelInitSpec(null, "c", null, null, null, null),
                2,
                16,
                1,
                new OptimizerSpec(5e-2, null, null, 0.0),
                schedule,
                1.0,
                null,
                null,
                null,
                null),
            // accumulation 2: the shares of two micro-batches add into one step
            new StageSpec(
                "g",
                StageKind.GENERATIVE,
                new ModelInitSpec(null, "w", null, null, null, null),
                3,
                8,
                2,
                adam,
                schedule,
                1.0,
                null,
                null,
                null,
                null),
            new StageSpec(
                "lm",
                StageKind.LM_WARMUP,
                new ModelInitSpec(null, "c", null, null, 32, 1),
                2,
                8,
                1,
                adam,
                schedule,
                1.0,
                null,
                null,
                null,
                null),
            new StageSpec(
                "sft",
                StageKind.SFT,
                new ModelInitSpec(null, "lm", null, null, null, null),
                3,
                8,
                1,
                adam,
                schedule,
                1.0,
                null,
                null,
                List.of("llm", "vision"),
                "text"));
    Path dir = out.resolve(device.replace(',', '_'));
    TrainSpec spec = SyntheticData.spec(new TrainSettings("dp", 0L, dir, 1, device, null), stages);
    Map<String, List<double[]>> steps = new LinkedHashMap<>();
    List<Training.StageOutcome> outcomes =
        new Training(
                spec,
                SyntheticData.inputs(spec),
                dir,
                new TrainingListener() {
                  @Override
                  public void onStep(StepReport r) {
                    steps
                        .computeIfAbsent(r.stage(), k -> new ArrayList<>())
                        .add(new double[] {r.loss(), r.gradNorm()});
                  }
                })
            .run(false);
    return new Run(steps, outcomes);
  }

  @Test
  void threeReplicasFollowOneDevice() {
    Run one = train("cpu");
    Run three = train("cpu,cpu,cpu");
    assertThat(three.steps().keySet()).containsExactly("c", "w", "g", "lm", "sft");
    for (String stage : one.steps().keySet()) {
      List<double[]> a = one.steps().get(stage);
      List<double[]> b = three.steps().get(stage);
      assertThat(b).as(stage).hasSameSizeAs(a);
      for (int i = 0; i < a.size(); i++) {
        assertThat(b.get(i)[0])
            .as("%s step %d loss", stage, i + 1)
            .isCloseTo(a.get(i)[0], within(a.get(i)[0]));
        assertThat(b.get(i)[1])
            .as("%s step %d gradient norm", stage, i + 1)
            .isCloseTo(a.get(i)[1], within(a.get(i)[1]));
      }
    }
    for (int s = 0; s < one.outcomes().size(); s++) {
      String stage = one.outcomes().get(s).stage();
      double[] diff =
          relativeDifference(
              one.outcomes().get(s).checkpoint(), three.outcomes().get(s).checkpoint());
      assertThat(diff[0])
          .as("%s: the largest relative L2 difference of a weight tensor", stage)
          .isLessThan(1e-3);
      assertThat(diff[1]).as("%s: tensors compared", stage).isGreaterThan(10);
    }
  }

  /** Relative tolerance of a rounding difference: 1e-4 of the value. */
  private static Offset<Double> within(double v) {
    return Offset.offset(1e-4 * Math.max(1, Math.abs(v)));
  }

  /**
   * The largest {@code |a - b| / max(|a|, 1e-3)} over the tensors of two checkpoints, and how many
   * were compared.
   */
  private static double[] relativeDifference(Path a, Path b) {
    double worst = 0;
    int n = 0;
    try (NDManager m = NDManager.newBaseManager();
        SafetensorsCheckpoint ca = SafetensorsCheckpoint.open(a);
        SafetensorsCheckpoint cb = SafetensorsCheckpoint.open(b)) {
      assertThat(cb.keys()).isEqualTo(ca.keys());
      for (String k : ca.keys()) {
        NDArray x = ca.toNDArray(k, m);
        NDArray y = cb.toNDArray(k, m);
        // a weight whose gradient is zero but for rounding (an attention key bias, which softmax
        // ignores) stays near 0 with a rounding-level value: compared against 1e-3, not its own
        // norm
        double norm = Math.max(1e-3, x.norm().getFloat());
        worst = Math.max(worst, x.sub(y).norm().getFloat() / norm);
        n++;
      }
    }
    return new double[] {worst, n};
  }
}
