package io.vleval.tasks.captioning;

/**
 * The n-gram counts of one whitespace-tokenized sentence, per order, as sorted unique ids with
 * counts.
 *
 * @param length number of tokens
 * @param ids per order (index 0 = unigrams), the sorted distinct n-gram ids
 * @param counts per order, the count of each id
 */
record SentenceNgrams(int length, int[][] ids, int[][] counts) {}
