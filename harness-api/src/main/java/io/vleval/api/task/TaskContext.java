package io.vleval.api.task;

import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetInfo;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the harness gives a task when it starts on one model.
 *
 * @param evaluation the dataset being evaluated (its samples come through {@link
 *     TaskSession#process})
 * @param training the training split, for tasks that fit a head (linear probing, segmentation)
 * @param seed the task's seed, derived from the run's
 * @param cacheDirectory where reusable artefacts (cached features) may be kept
 * @param batchSize how many samples the runner passes per call
 */
public record TaskContext(
    DatasetInfo evaluation,
    Optional<Dataset<?>> training,
    long seed,
    Path cacheDirectory,
    int batchSize) {}
