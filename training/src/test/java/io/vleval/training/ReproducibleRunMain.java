package io.vleval.training;

import io.vleval.training.loop.StepReport;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.spec.ModelInitSpec;
import io.vleval.training.spec.OptimizerSpec;
import io.vleval.training.spec.ScheduleSpec;
import io.vleval.training.spec.StageKind;
import io.vleval.training.spec.StageSpec;
import io.vleval.training.spec.TrainSettings;
import io.vleval.training.spec.TrainSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Run by {@link CrossJvmReproducibilityTest} in a fresh JVM: a short stage 1 then stage 2 on the
 * tiny suite; prints every step's exact loss and the SHA-256 of each final checkpoint's weights.
 */
public final class ReproducibleRunMain {

  private ReproducibleRunMain() {}

  /**
   * @param args the output folder, stage-1 steps, stage-2 steps
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int steps1 = Integer.parseInt(args[1]);
    int steps2 = Integer.parseInt(args[2]);
    StageSpec s1 =
        new StageSpec(
            "s1",
            StageKind.CONTRASTIVE,
            new ModelInitSpec("tiny-internvl", null, null, 0L, null, null),
            steps1,
            32,
            1,
            new OptimizerSpec(2e-3, null, null, null),
            new ScheduleSpec(5, 0.1),
            1.0,
            null,
            null);
    StageSpec s2 =
        new StageSpec(
            "s2",
            StageKind.GENERATIVE,
            new ModelInitSpec(null, "s1", null, null, null, null),
            steps2,
            8,
            2,
            new OptimizerSpec(2e-3, null, null, null),
            new ScheduleSpec(2, 0.1),
            1.0,
            null,
            null);
    TrainSpec spec =
        SyntheticData.spec(
            new TrainSettings("x", 0L, out, 0, null, null),
            steps2 > 0 ? List.of(s1, s2) : List.of(s1));
    List<Training.StageOutcome> o =
        new Training(
                spec,
                SyntheticData.inputs(spec),
                out,
                new TrainingListener() {
                  @Override
                  public void onStep(StepReport r) {
                    System.out.println(
                        "LOSS "
                            + r.stage()
                            + " "
                            + r.step()
                            + " "
                            + Double.toHexString(r.loss())
                            + " "
                            + Double.toHexString(r.gradNorm()));
                  }

                  @Override
                  public void onMessage(String m) {
                    System.out.println("MSG " + m);
                  }
                })
            .run(false);
    for (Training.StageOutcome s : o) {
      byte[] w = Files.readAllBytes(s.checkpoint().resolve("model.safetensors"));
      System.out.println(
          "SHA "
              + s.stage()
              + " "
              + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(w)));
    }
  }
}
