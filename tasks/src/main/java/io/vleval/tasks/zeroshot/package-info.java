/**
 * Zero-shot classification of images and videos (class names x prompt templates against image or
 * clip embeddings), its metrics with CLIP_benchmark semantics (top-1, top-5, mean per-class recall)
 * and the {@code vleval score classification} file reader.
 */
package io.vleval.tasks.zeroshot;
