/**
 * Training data held as plain Java values: preprocessed pixels, texts, questions, and the seeded
 * order samples are drawn in.
 */
package io.vleval.training.data;
