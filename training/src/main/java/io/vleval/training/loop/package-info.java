/**
 * The training loop: micro-batches under a gradient collector, accumulation, optimizer steps, CSV
 * log, progress, checkpoints and resume.
 */
package io.vleval.training.loop;
