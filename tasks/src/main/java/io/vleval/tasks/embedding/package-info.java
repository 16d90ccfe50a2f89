/** Vector arithmetic shared by the embedding-based tasks (normalization, dot products, argmax). */
package io.vleval.tasks.embedding;
