/**
 * Captioning: the task, coco-caption's metrics (PTB tokenization, BLEU-1..4, ROUGE-L, CIDEr-D) and
 * the {@code vleval score captioning} file reader.
 */
package io.vleval.tasks.captioning;
