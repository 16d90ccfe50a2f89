/**
 * Stage 3 of the recipe: the LM warm-up of the chat model's tiny language model on the suite's text
 * (standing in for a pre-trained Vicuna / InternLM2-chat) and the supervised fine-tuning of
 * InternVL-Chat on image-grounded instructions built from the synthetic suite.
 */
package io.vleval.training.sft;
