/**
 * Entry points of {@code vleval score}: read predictions and references from documented file
 * formats and return a {@link io.vleval.tasks.metrics.ScoreTable}.
 */
package io.vleval.tasks.metrics.scoring;
