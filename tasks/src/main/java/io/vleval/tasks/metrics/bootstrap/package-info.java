/**
 * Seeded BCa bootstrap that turns any statistic over resampled units (images, samples, questions)
 * into a confidence interval.
 */
package io.vleval.tasks.metrics.bootstrap;
