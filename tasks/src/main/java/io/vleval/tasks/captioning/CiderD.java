package io.vleval.tasks.captioning;

import java.util.List;
import java.util.stream.IntStream;

/**
 * CIDEr-D, the metric coco-caption's {@code cider_scorer.py} reports as "CIDEr".
 *
 * <p>With N images and df(g) = number of images whose <em>references</em> contain n-gram g
 * (predictions never count):
 *
 * <pre>
 *   v<sub>n</sub>(s)[g] = tf<sub>s</sub>(g) &middot; (log N - log max(1, df(g)))        (one vector per order n = 1..4)
 *   sim<sub>n</sub>(h, r) = &Sigma;<sub>g &isin; h</sub> min(v<sub>n</sub>(h)[g], v<sub>n</sub>(r)[g]) &middot; v<sub>n</sub>(r)[g]
 *                 / (|v<sub>n</sub>(h)| |v<sub>n</sub>(r)|)   (division only when both norms are non-zero)
 *                 &middot; e<sup>-(&delta;&sup2;)/(2&middot;6&sup2;)</sup>,  &delta; = bigrams(h) - bigrams(r)
 *   CIDEr-D(image) = 10 &middot; (1/|R|) &Sigma;<sub>r &isin; R</sub> (1/4) &Sigma;<sub>n</sub> sim<sub>n</sub>(h, r)
 * </pre>
 *
 * The length in &delta; is the number of bigrams (tokens - 1, or 0), as the reference counts it.
 * The corpus score is the plain mean of per-image scores; a one-image corpus scores 0 (idf = 0).
 * Reproduces {@code fixtures/metrics/captioning.json} (pycocoevalcap).
 */
public final class CiderD {

  private static final double SIGMA = 6.0;

  private CiderD() {}

  /** Per-image CIDEr-D of already tokenized captions; the corpus score is their mean. */
  public static double[] perImage(List<CaptionSample> tokenized) {
    return perImage(new CaptionCorpus(tokenized));
  }

  /** Mean of {@link #perImage(List)}. */
  public static double corpus(double[] perImage) {
    double sum = 0;
    for (double v : perImage) {
      sum += v;
    }
    return sum / perImage.length;
  }

  static double[] perImage(CaptionCorpus corpus) {
    int images = corpus.size();
    int orders = NgramIndex.MAX_ORDER;
    // document frequency over references only, once per image
    double[][] logDf = new double[orders][];
    for (int o = 0; o < orders; o++) {
      int size = corpus.index.size(o + 1);
      int[] df = new int[size];
      int[] lastImage = new int[size];
      for (int i = 0; i < images; i++) {
        for (SentenceNgrams r : corpus.references[i]) {
          for (int id : r.ids()[o]) {
            if (lastImage[id] != i + 1) {
              lastImage[id] = i + 1;
              df[id]++;
            }
          }
        }
      }
      logDf[o] = new double[size];
      for (int id = 0; id < size; id++) {
        logDf[o][id] = Math.log(Math.max(1.0, df[id]));
      }
    }
    double refLen = Math.log((double) images);
    double[] scores = new double[images];
    IntStream.range(0, images)
        .parallel()
        .forEach(
            i -> {
              Vectors h = new Vectors(corpus.hypotheses[i], logDf, refLen);
              double[] score = new double[orders];
              for (SentenceNgrams ref : corpus.references[i]) {
                Vectors r = new Vectors(ref, logDf, refLen);
                double delta = h.length - r.length;
                double penalty = Math.pow(Math.E, -(delta * delta) / (2 * SIGMA * SIGMA));
                for (int o = 0; o < orders; o++) {
                  double val = 0;
                  int[] hIds = h.ids[o];
                  int[] rIds = r.ids[o];
                  int a = 0;
                  int b = 0;
                  while (a < hIds.length && b < rIds.length) {
                    if (hIds[a] < rIds[b]) {
                      a++;
                    } else if (hIds[a] > rIds[b]) {
                      b++;
                    } else {
                      val += Math.min(h.values[o][a], r.values[o][b]) * r.values[o][b];
                      a++;
                      b++;
                    }
                  }
                  if (h.norms[o] != 0 && r.norms[o] != 0) {
                    val /= h.norms[o] * r.norms[o];
                  }
                  score[o] += val * penalty;
                }
              }
              double mean = (score[0] + score[1] + score[2] + score[3]) / orders;
              mean /= corpus.references[i].length;
              scores[i] = mean * 10.0;
            });
    return scores;
  }

  /** tf-idf vectors, norms and bigram length of one sentence. */
  private static final class Vectors {
    final int[][] ids;
    final double[][] values;
    final double[] norms;
    final int length;

    Vectors(SentenceNgrams s, double[][] logDf, double refLen) {
      int orders = s.ids().length;
      ids = s.ids();
      values = new double[orders][];
      norms = new double[orders];
      for (int o = 0; o < orders; o++) {
        int[] c = s.counts()[o];
        values[o] = new double[c.length];
        double sq = 0;
        for (int a = 0; a < c.length; a++) {
          double v = c[a] * (refLen - logDf[o][ids[o][a]]);
          values[o][a] = v;
          sq += v * v;
        }
        norms[o] = Math.sqrt(sq);
      }
      length = Math.max(0, s.length() - 1);
    }
  }
}
