/** Captioning evaluated with coco-caption's metrics (PTB tokenization, BLEU, ROUGE-L, CIDEr-D). */
package io.vleval.tasks.captioning;
