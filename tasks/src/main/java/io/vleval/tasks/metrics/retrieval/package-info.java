/**
 * Image-text retrieval Recall@K in both directions with CLIP_benchmark semantics, computed by rank
 * counting without sorting.
 */
package io.vleval.tasks.metrics.retrieval;
