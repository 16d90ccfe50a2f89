/**
 * Quick in-process checks of a model being trained: zero-shot accuracy, retrieval Recall@1,
 * multiple-choice accuracy.
 */
package io.vleval.training.eval;
