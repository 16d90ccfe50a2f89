/**
 * Zero-shot retrieval: image-text (CLIP_benchmark protocol, any language) and text-video (the
 * reference MSR-VTT script), Recall@K in both directions computed by rank counting, and the {@code
 * vleval score retrieval} file reader.
 */
package io.vleval.tasks.retrieval;
