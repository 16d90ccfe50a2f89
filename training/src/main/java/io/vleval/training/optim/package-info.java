/**
 * AdamW with decoupled weight decay, the cosine learning-rate schedule with linear warm-up, and
 * global-norm gradient clipping.
 */
package io.vleval.training.optim;
