/**
 * Tokenizers read from a checkpoint's {@code tokenizer.json} through DJL's HuggingFace tokenizers,
 * and the InternVL text conventions built on them.
 */
package io.vleval.model.internvl.text;
