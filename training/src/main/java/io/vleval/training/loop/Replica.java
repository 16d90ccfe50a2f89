package io.vleval.training.loop;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * One copy of the model being trained, on its device, with the objective that reads it. Under data
 * parallelism every replica computes a shard of each micro-batch; the first one also holds the
 * optimizer state, applies the update and is checkpointed, and the others receive its weights after
 * each step.
 *
 * @param model the model
 * @param trainable the weights that train, by the model's parameter names
 * @param objective the loss, built on this replica's model
 */
public record Replica(StageModel model, Map<String, NDArray> trainable, Objective objective) {}
