/**
 * Seeded shuffling for streamed datasets: a bounded shuffle buffer over a cursor and a per-epoch
 * permutation of shard order, both deterministic for a seed.
 */
package io.vleval.datasets.shuffle;
