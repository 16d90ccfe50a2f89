package io.vleval.api.task;

import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the harness gives a task when it starts on one model.
 *
 * @param evaluation the dataset being evaluated (its samples come through {@link
 *     TaskSession#process})
 * @param training the training split, for tasks that fit a head (linear probing, segmentation)
 * @param seed the task's seed, derived from the run's, the task's and the model's names
 * @param cacheDirectory where reusable artefacts (cached features) may be kept
 * @param batchSize how many samples the runner passes per call
 * @param runSeed the run's own seed, for choices every model of the run must share (the few-shot
 *     subset of a training set)
 * @param further the task's further evaluation datasets ({@code eval_datasets}), in order, which
 *     {@link TaskSession#on} will be asked to score: a task can refuse one before it prepares
 *     anything (classes a trained head would not know)
 * @param judge the model the task's {@code judge:} key names, for tasks that grade or parse replies
 *     with one; empty when the task names none
 */
public record TaskContext(
    DatasetInfo evaluation,
    Optional<Dataset<?>> training,
    long seed,
    Path cacheDirectory,
    int batchSize,
    long runSeed,
    List<DatasetInfo> further,
    Optional<Judge> judge) {

  public TaskContext {
    further = further == null ? List.of() : List.copyOf(further);
    judge = judge == null ? Optional.empty() : judge;
  }

  /** A context with no judge. */
  public TaskContext(
      DatasetInfo evaluation,
      Optional<Dataset<?>> training,
      long seed,
      Path cacheDirectory,
      int batchSize,
      long runSeed,
      List<DatasetInfo> further) {
    this(evaluation, training, seed, cacheDirectory, batchSize, runSeed, further, Optional.empty());
  }

  /** A context with no further evaluation datasets. */
  public TaskContext(
      DatasetInfo evaluation,
      Optional<Dataset<?>> training,
      long seed,
      Path cacheDirectory,
      int batchSize,
      long runSeed) {
    this(evaluation, training, seed, cacheDirectory, batchSize, runSeed, List.of());
  }

  /** A context whose run seed is the task's seed. */
  public TaskContext(
      DatasetInfo evaluation,
      Optional<Dataset<?>> training,
      long seed,
      Path cacheDirectory,
      int batchSize) {
    this(evaluation, training, seed, cacheDirectory, batchSize, seed);
  }
}
