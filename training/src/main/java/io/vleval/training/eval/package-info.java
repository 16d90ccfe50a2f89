/**
 * Each stage's evaluation: its final checkpoint scored by the task plugins through the runner, as
 * {@code vleval run} scores any model.
 */
package io.vleval.training.eval;
