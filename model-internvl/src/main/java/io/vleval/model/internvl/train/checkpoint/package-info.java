/**
 * Writes trained models in the HuggingFace layout the {@code internvl} provider loads (config.json,
 * model.safetensors, tokenizer.json).
 */
package io.vleval.model.internvl.train.checkpoint;
