package io.vleval.tasks.captioning;

import io.vleval.api.result.ConfidenceInterval;
import io.vleval.tasks.metrics.bootstrap.Bootstrap;
import java.util.List;

/**
 * Runs coco-caption's evaluation ({@code COCOEvalCap.evaluate()} without METEOR and SPICE):
 * optional PTB tokenization, then {@link Bleu}, {@link RougeL} and {@link CiderD} on the same
 * tokenized corpus.
 */
public final class CaptionMetrics {

  private CaptionMetrics() {}

  /**
   * @param samples one entry per image, in the order the scores should be reported
   * @param tokenize whether to run {@link PtbTokenizer} first (as COCOEvalCap does); false scores
   *     the strings as given
   */
  public static CaptionScores evaluate(List<CaptionSample> samples, boolean tokenize) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no captions to score");
    }
    List<CaptionSample> tokenized =
        tokenize ? PtbTokenizer.tokenizeAll(samples) : List.copyOf(samples);
    CaptionCorpus corpus = new CaptionCorpus(tokenized);
    return new CaptionScores(
        tokenized.stream().map(CaptionSample::imageId).toList(),
        Bleu.score(tokenized),
        RougeL.perImage(tokenized),
        CiderD.perImage(corpus));
  }

  /**
   * Bootstrap intervals resampling images, in {@link CaptionScores#METRICS} order: corpus BLEU is
   * recomputed from the resampled images' summed statistics; ROUGE-L and CIDEr-D are means of the
   * resampled per-image values (CIDEr-D's document frequencies stay those of the full corpus). BCa,
   * with the exact jackknife in linear time: BLEU from the corpus statistics minus one image's,
   * ROUGE-L and CIDEr-D in closed form {@code (S - x_j) / (n - 1)}.
   */
  public static ConfidenceInterval[] intervals(CaptionScores scores, Bootstrap bootstrap) {
    List<BleuStatistics> statistics = scores.bleu().perImageStatistics();
    double[] rouge = scores.rougeL();
    double[] cider = scores.cider();
    int n = statistics.size();
    BleuStatistics total = Bleu.sum(statistics, null);
    double rougeSum = 0;
    double ciderSum = 0;
    for (int u = 0; u < n; u++) {
      rougeSum += rouge[u];
      ciderSum += cider[u];
    }
    double rougeTotal = rougeSum;
    double ciderTotal = ciderSum;
    return bootstrap.intervals(
        n,
        units -> {
          double[] bleu = Bleu.bleu(Bleu.sum(statistics, units));
          double r = 0;
          double c = 0;
          for (int u : units) {
            r += rouge[u];
            c += cider[u];
          }
          return new double[] {
            bleu[0], bleu[1], bleu[2], bleu[3], r / units.length, c / units.length
          };
        },
        unit -> {
          BleuStatistics one = statistics.get(unit);
          long[] guess = total.guess().clone();
          long[] correct = total.correct().clone();
          for (int o = 0; o < Bleu.MAX_N; o++) {
            guess[o] -= one.guess()[o];
            correct[o] -= one.correct()[o];
          }
          double[] bleu =
              Bleu.bleu(
                  new BleuStatistics(
                      total.testLength() - one.testLength(),
                      total.refLength() - one.refLength(),
                      guess,
                      correct));
          return new double[] {
            bleu[0],
            bleu[1],
            bleu[2],
            bleu[3],
            (rougeTotal - rouge[unit]) / (n - 1),
            (ciderTotal - cider[unit]) / (n - 1)
          };
        });
  }
}
