/**
 * Zero-shot classification metrics (top-1, top-5, mean per-class recall) with CLIP_benchmark
 * semantics.
 */
package io.vleval.tasks.metrics.classification;
