package io.vleval.training.loop;

import io.vleval.training.optim.CosineSchedule;
import io.vleval.training.spec.OptimizerSpec;

/**
 * How the loop runs one stage.
 *
 * @param stage the stage's name
 * @param steps optimizer steps
 * @param batchSize samples per micro-batch
 * @param accumulation micro-batches per step
 * @param clipGradNorm global-norm limit, 0 for none
 * @param checkpointEvery steps between checkpoints
 * @param seed seeds the shuffled order
 * @param optimizer AdamW settings
 * @param schedule the learning rate per step
 * @param mixedPrecision whether the model's weights are float16 copies of float32 masters (loss
 *     scaling, see {@link TrainingLoop})
 */
public record LoopSettings(
    String stage,
    int steps,
    int batchSize,
    int accumulation,
    double clipGradNorm,
    int checkpointEvery,
    long seed,
    OptimizerSpec optimizer,
    CosineSchedule schedule,
    boolean mixedPrecision) {

  /**
   * Settings of a float32 run.
   *
   * @param stage the stage's name
   * @param steps optimizer steps
   * @param batchSize samples per micro-batch
   * @param accumulation micro-batches per step
   * @param clipGradNorm global-norm limit, 0 for none
   * @param checkpointEvery steps between checkpoints
   * @param seed seeds the shuffled order
   * @param optimizer AdamW settings
   * @param schedule the learning rate per step
   */
  public LoopSettings(
      String stage,
      int steps,
      int batchSize,
      int accumulation,
      double clipGradNorm,
      int checkpointEvery,
      long seed,
      OptimizerSpec optimizer,
      CosineSchedule schedule) {
    this(
        stage,
        steps,
        batchSize,
        accumulation,
        clipGradNorm,
        checkpointEvery,
        seed,
        optimizer,
        schedule,
        false);
  }
}
