/**
 * Caption metrics as coco-caption computes them: PTB tokenization, BLEU-1..4, ROUGE-L and CIDEr-D.
 */
package io.vleval.tasks.metrics.captioning;
