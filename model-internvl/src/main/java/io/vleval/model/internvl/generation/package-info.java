/**
 * Text generation: greedy and beam search over a decoding state, with or without a key/value cache.
 */
package io.vleval.model.internvl.generation;
