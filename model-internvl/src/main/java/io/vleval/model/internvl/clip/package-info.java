/**
 * InternVL-C and InternVL-G: InternViT with attention pooling, QLLaMA text encoding and the query
 * path, their embeddings and logits, and InternVL-G captioning.
 */
package io.vleval.model.internvl.clip;
