/**
 * Zero-shot image-text retrieval (CLIP_benchmark protocol): Recall@K in both directions, any
 * language.
 */
package io.vleval.tasks.retrieval;
