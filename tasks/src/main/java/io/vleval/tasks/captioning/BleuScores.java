package io.vleval.tasks.captioning;

import java.util.List;

/**
 * Corpus and per-image BLEU-1..4.
 *
 * @param corpus Bleu_1..Bleu_4 of the corpus (index 0 = Bleu_1)
 * @param perImage per image, Bleu_1..Bleu_4
 * @param corpusStatistics the summed statistics the corpus score comes from
 * @param perImageStatistics per image statistics (for resampling)
 */
public record BleuScores(
    double[] corpus,
    double[][] perImage,
    BleuStatistics corpusStatistics,
    List<BleuStatistics> perImageStatistics) {}
