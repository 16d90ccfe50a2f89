package io.vleval.tasks.captioning;

import java.util.List;
import java.util.stream.IntStream;

/**
 * BLEU-1..4 exactly as coco-caption's {@code bleu_scorer.py} computes it with option {@code
 * closest}.
 *
 * <p>Per image: c<sub>n</sub> = &Sigma;<sub>g</sub> min(count<sub>hyp</sub>(g), max<sub>r</sub>
 * count<sub>r</sub>(g)) over hypothesis n-grams g, guess<sub>n</sub> = max(0, len<sub>hyp</sub> - n
 * + 1), effective reference length = the reference length closest to len<sub>hyp</sub> (ties: the
 * shorter). Corpus statistics are sums over images. Then
 *
 * <pre>
 *   Bleu_k = (&Pi;<sub>n&le;k</sub> (c<sub>n</sub> + 1e-15) / (guess<sub>n</sub> + 1e-9))<sup>1/k</sup> &middot; BP,
 *   BP = exp(1 - 1/ratio) if ratio &lt; 1 else 1,  ratio = (testlen + 1e-15) / (reflen + 1e-9)
 * </pre>
 *
 * both per image (sentence BLEU) and for the corpus, which is therefore not a mean of per-image
 * scores. Tokens are whitespace-separated. Reproduces {@code fixtures/metrics/captioning.json}
 * (pycocoevalcap) to ~1e-12.
 */
public final class Bleu {

  /** Highest n-gram order. */
  public static final int MAX_N = 4;

  private static final double TINY = 1e-15;
  private static final double SMALL = 1e-9;

  private Bleu() {}

  /**
   * Scores already tokenized captions (tokens separated by whitespace). Images are independent
   * until the final sum, so each image's n-grams are counted with its own small vocabulary, in
   * parallel.
   */
  public static BleuScores score(List<CaptionSample> tokenized) {
    BleuStatistics[] statistics = new BleuStatistics[tokenized.size()];
    double[][] perImage = new double[tokenized.size()][];
    IntStream.range(0, statistics.length)
        .parallel()
        .forEach(
            i -> {
              CaptionSample s = tokenized.get(i);
              NgramIndex local = new NgramIndex(1 + s.references().size());
              SentenceNgrams[] references = new SentenceNgrams[s.references().size()];
              for (int r = 0; r < references.length; r++) {
                references[r] = local.encode(s.references().get(r));
              }
              statistics[i] = statistics(local.encode(s.prediction()), references);
              perImage[i] = bleu(statistics[i]);
            });
    List<BleuStatistics> perImageStatistics = List.of(statistics);
    BleuStatistics total = sum(perImageStatistics, null);
    return new BleuScores(bleu(total), perImage, total, perImageStatistics);
  }

  /**
   * Sums per-image statistics over the given images (with repetitions), e.g. a bootstrap resample.
   *
   * @param units image indices, or {@code null} for all images once
   */
  public static BleuStatistics sum(List<BleuStatistics> perImage, int[] units) {
    long testLength = 0;
    long refLength = 0;
    long[] guess = new long[MAX_N];
    long[] correct = new long[MAX_N];
    int n = units == null ? perImage.size() : units.length;
    for (int k = 0; k < n; k++) {
      BleuStatistics s = perImage.get(units == null ? k : units[k]);
      testLength += s.testLength();
      refLength += s.refLength();
      for (int o = 0; o < MAX_N; o++) {
        guess[o] += s.guess()[o];
        correct[o] += s.correct()[o];
      }
    }
    return new BleuStatistics(testLength, refLength, guess, correct);
  }

  /** Bleu_1..Bleu_4 from statistics (the same formula for a sentence and for a corpus). */
  public static double[] bleu(BleuStatistics s) {
    double[] out = new double[MAX_N];
    double product = 1.0;
    for (int k = 0; k < MAX_N; k++) {
      product *= ((double) s.correct()[k] + TINY) / ((double) s.guess()[k] + SMALL);
      out[k] = Math.pow(product, 1.0 / (k + 1));
    }
    double ratio = (s.testLength() + TINY) / (s.refLength() + SMALL);
    if (ratio < 1) {
      double penalty = Math.exp(1 - 1 / ratio);
      for (int k = 0; k < MAX_N; k++) {
        out[k] *= penalty;
      }
    }
    return out;
  }

  static BleuStatistics statistics(SentenceNgrams hypothesis, SentenceNgrams[] references) {
    int testLength = hypothesis.length();
    int refLength = -1;
    for (SentenceNgrams r : references) {
      int l = r.length();
      if (refLength < 0) {
        refLength = l;
      } else {
        int d = Math.abs(l - testLength);
        int best = Math.abs(refLength - testLength);
        if (d < best || (d == best && l < refLength)) {
          refLength = l;
        }
      }
    }
    long[] guess = new long[MAX_N];
    long[] correct = new long[MAX_N];
    for (int o = 0; o < MAX_N; o++) {
      guess[o] = Math.max(0, testLength - o);
      int[] ids = hypothesis.ids()[o];
      int[] counts = hypothesis.counts()[o];
      int[] maxRef = new int[ids.length];
      for (SentenceNgrams r : references) {
        int[] rIds = r.ids()[o];
        int[] rCounts = r.counts()[o];
        int a = 0;
        int b = 0;
        while (a < ids.length && b < rIds.length) {
          if (ids[a] < rIds[b]) {
            a++;
          } else if (ids[a] > rIds[b]) {
            b++;
          } else {
            maxRef[a] = Math.max(maxRef[a], rCounts[b]);
            a++;
            b++;
          }
        }
      }
      long c = 0;
      for (int a = 0; a < ids.length; a++) {
        c += Math.min(counts[a], maxRef[a]);
      }
      correct[o] = c;
    }
    return new BleuStatistics(testLength, refLength, guess, correct);
  }
}
