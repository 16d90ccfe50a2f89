package io.vleval.tasks.captioning;

/**
 * The sufficient statistics of BLEU for one image or a whole corpus (coco-caption's {@code comps}).
 *
 * @param testLength hypothesis length in tokens
 * @param refLength effective reference length (closest reference length, ties to the shorter)
 * @param guess per order n, the number of hypothesis n-grams, max(0, len - n + 1)
 * @param correct per order n, clipped n-gram matches: &Sigma; min(count in hypothesis, max count in
 *     any reference)
 */
public record BleuStatistics(long testLength, long refLength, long[] guess, long[] correct) {}
