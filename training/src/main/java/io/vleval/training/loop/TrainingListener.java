package io.vleval.training.loop;

import java.nio.file.Path;

/** Receives progress as training runs (the CLI draws a progress bar from it). */
public interface TrainingListener {

  /**
   * Called after every optimizer step.
   *
   * @param report the step
   */
  void onStep(StepReport report);

  /**
   * Called after a checkpoint is written.
   *
   * @param stage the stage
   * @param step the step it holds
   * @param dir its folder
   */
  default void onCheckpoint(String stage, int step, Path dir) {}

  /**
   * A line of information (a stage starting, resuming or skipped, a metric).
   *
   * @param message the line
   */
  default void onMessage(String message) {}

  /** A listener that ignores everything. */
  TrainingListener NONE = r -> {};
}
