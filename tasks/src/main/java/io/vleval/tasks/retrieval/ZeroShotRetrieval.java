package io.vleval.tasks.retrieval;

import io.vleval.api.result.ConfidenceInterval;
import io.vleval.tasks.metrics.bootstrap.Bootstrap;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Zero-shot image-text retrieval Recall@K as CLIP_benchmark's {@code zeroshot_retrieval.py}
 * computes it.
 *
 * <p>With scores s (texts x images) and t's image i(t):
 *
 * <ul>
 *   <li>text &rarr; image ({@code image_retrieval_recall@K}) = (1/T) &Sigma;<sub>t</sub>
 *       [rank<sub>t</sub> &lt; K], rank<sub>t</sub> = #{j : s<sub>t,j</sub> &gt;
 *       s<sub>t,i(t)</sub>} + #{j &lt; i(t) : s<sub>t,j</sub> = s<sub>t,i(t)</sub>};
 *   <li>image &rarr; text ({@code text_retrieval_recall@K}) = (1/I) &Sigma;<sub>i</sub> [min over
 *       texts u of i of rank<sub>u</sub> &lt; K] ("at least one positive in the top K"); images
 *       without texts are misses and stay in the denominator (the reference's 0/0 = NaN &gt; 0 is
 *       false).
 * </ul>
 *
 * The reference ranks with {@code torch.topk}, whose order among equal scores is unspecified; here
 * ties are broken by lowest index. Recalls are returned as the float32 means the reference
 * produces. A K larger than the gallery is rejected, as {@code torch.topk} rejects it.
 *
 * <p>Ranks are counted, not sorted: multithreaded passes over blocks of text rows count, for every
 * text, the images scoring above its positive, and for every image, the texts scoring above its
 * best positive text; the score matrix itself ({@link ScoreRows}) need never be whole in memory.
 * Reproduces {@code fixtures/metrics/retrieval.json}.
 */
public final class ZeroShotRetrieval {

  private static final int ROWS_PER_TASK = 256;

  private ZeroShotRetrieval() {}

  /**
   * @param scores texts x images similarity matrix (every row the same length)
   * @param textImageIndex image index of each text
   * @param ks the K values, each at most the number of images and of texts
   */
  public static RetrievalScores evaluate(float[][] scores, int[] textImageIndex, int[] ks) {
    return evaluate(ranks(scores, textImageIndex), ks);
  }

  /**
   * The Recall@K values of ranks counted already ({@link #ranks}, or {@link DualSoftmax#ranks}
   * where each direction has its own score matrix).
   */
  public static RetrievalScores evaluate(RetrievalRanks ranks, int[] ks) {
    int[] textImageIndex = ranks.textImageIndex();
    checkKs(ks, ranks.imageRanks().length, textImageIndex.length);
    double[] t2i = new double[ks.length];
    double[] i2t = new double[ks.length];
    for (int k = 0; k < ks.length; k++) {
      t2i[k] = float32Mean(ranks.textRanks(), ks[k]);
      i2t[k] = float32Mean(ranks.imageRanks(), ks[k]);
    }
    return new RetrievalScores(
        ks.clone(), t2i, i2t, textImageIndex.length, ranks.imageRanks().length);
  }

  /**
   * Bootstrap intervals resampling images (each image carries its texts' hits), for the metrics in
   * this order: image_retrieval_recall@K for each K, text_retrieval_recall@K for each K, mean
   * recall. The score matrix (the galleries) stays fixed; only the set of queries is resampled.
   * BCa, with the exact jackknife in linear time (totals minus one image's texts and hits).
   */
  public static ConfidenceInterval[] intervals(
      RetrievalRanks ranks, int[] ks, Bootstrap bootstrap) {
    int images = ranks.imageRanks().length;
    checkKs(ks, images, ranks.textRanks().length);
    // per image: number of its texts and, per K, how many of them hit
    int[] textCount = new int[images];
    int[][] textHits = new int[ks.length][images];
    for (int t = 0; t < ranks.textRanks().length; t++) {
      int i = ranks.textImageIndex()[t];
      textCount[i]++;
      for (int k = 0; k < ks.length; k++) {
        textHits[k][i] += ranks.textRanks()[t] < ks[k] ? 1 : 0;
      }
    }
    // totals over all images, for the exact jackknife in linear time
    long allTexts = ranks.textRanks().length;
    long[] allT2i = new long[ks.length];
    long[] allI2t = new long[ks.length];
    for (int k = 0; k < ks.length; k++) {
      for (int u = 0; u < images; u++) {
        allT2i[k] += textHits[k][u];
        allI2t[k] += ranks.imageRanks()[u] < ks[k] ? 1 : 0;
      }
    }
    return bootstrap.intervals(
        images,
        units -> {
          long texts = 0;
          for (int u : units) {
            texts += textCount[u];
          }
          long[] t2i = new long[ks.length];
          long[] i2t = new long[ks.length];
          for (int k = 0; k < ks.length; k++) {
            for (int u : units) {
              t2i[k] += textHits[k][u];
              i2t[k] += ranks.imageRanks()[u] < ks[k] ? 1 : 0;
            }
          }
          return recalls(t2i, i2t, texts, units.length);
        },
        unit -> {
          long[] t2i = new long[ks.length];
          long[] i2t = new long[ks.length];
          for (int k = 0; k < ks.length; k++) {
            t2i[k] = allT2i[k] - textHits[k][unit];
            i2t[k] = allI2t[k] - (ranks.imageRanks()[unit] < ks[k] ? 1 : 0);
          }
          return recalls(t2i, i2t, allTexts - textCount[unit], images - 1);
        });
  }

  /** text-to-image recalls per K, image-to-text recalls per K, their mean; NaN over no queries. */
  private static double[] recalls(long[] t2i, long[] i2t, long texts, long images) {
    int ks = t2i.length;
    double[] out = new double[2 * ks + 1];
    double sum = 0;
    for (int k = 0; k < ks; k++) {
      out[k] = texts == 0 ? Double.NaN : (double) t2i[k] / texts;
      out[ks + k] = images == 0 ? Double.NaN : (double) i2t[k] / images;
      sum += out[k] + out[ks + k];
    }
    out[2 * ks] = sum / (2.0 * ks);
    return out;
  }

  /** Counts the ranks of every query's positives in {@code scores}, a block of texts at a time. */
  public static RetrievalRanks ranks(float[][] scores, int[] textImageIndex) {
    return ranks(ScoreRows.of(scores), textImageIndex, ROWS_PER_TASK);
  }

  /**
   * Counts the ranks of every query's positives in one parallel pass over the rows of {@code
   * scores}, {@code blockRows} texts at a time; only a block per thread is in memory, and the ranks
   * equal those of the whole matrix. Each image's best positive text is found first from one entry
   * per text ({@link ScoreRows#at}); the pass then ranks each text's image and counts, for every
   * image, the texts scoring above that positive.
   */
  public static RetrievalRanks ranks(ScoreRows scores, int[] textImageIndex, int blockRows) {
    int texts = scores.texts();
    if (texts != textImageIndex.length) {
      throw new IllegalArgumentException(
          "scores has "
              + texts
              + " rows (texts) but textImageIndex has "
              + textImageIndex.length
              + " entries");
    }
    if (texts == 0) {
      throw new IllegalArgumentException("no texts: scores is empty");
    }
    if (blockRows < 1) {
      throw new IllegalArgumentException("blockRows must be positive, got " + blockRows);
    }
    int images = scores.images();
    for (int t = 0; t < texts; t++) {
      int i = textImageIndex[t];
      if (i < 0 || i >= images) {
        throw new IllegalArgumentException(
            "textImageIndex[" + t + "] = " + i + " is outside [0, " + images + ")");
      }
    }
    int tasks = (texts + blockRows - 1) / blockRows;
    // each text's positive score, one entry each: the best positive text of every image
    float[] positive = new float[texts];
    IntStream.range(0, texts)
        .parallel()
        .forEach(t -> positive[t] = scores.at(t, textImageIndex[t]));
    int[] bestText = new int[images];
    float[] threshold = new float[images];
    Arrays.fill(bestText, -1);
    for (int t = 0; t < texts; t++) {
      int i = textImageIndex[t];
      float v = positive[t];
      if (bestText[i] < 0 || v > threshold[i]) {
        bestText[i] = t;
        threshold[i] = v;
      }
    }
    // one pass over the rows: each text's rank of its image, and for every image the texts
    // scoring above its best positive
    int[] textRanks = new int[texts];
    int[] imageRanks =
        IntStream.range(0, tasks)
            .parallel()
            .mapToObj(
                task -> {
                  int from = task * blockRows;
                  int to = Math.min(texts, from + blockRows);
                  float[][] block = new float[to - from][images];
                  scores.fill(from, to, block);
                  return countBlock(block, textImageIndex, bestText, threshold, textRanks, from);
                })
            .reduce(new int[images], ZeroShotRetrieval::addInto);
    for (int i = 0; i < images; i++) {
      if (bestText[i] < 0) {
        imageRanks[i] = Integer.MAX_VALUE;
      }
    }
    return new RetrievalRanks(textRanks, imageRanks, textImageIndex.clone());
  }

  private static int[] countBlock(
      float[][] block,
      int[] textImageIndex,
      int[] bestText,
      float[] threshold,
      int[] textRanks,
      int from) {
    int images = threshold.length;
    int[] above = new int[images];
    for (int r = 0; r < block.length; r++) {
      float[] row = block[r];
      int u = from + r;
      int positive = textImageIndex[u];
      float v = row[positive];
      int rank = 0;
      for (int j = 0; j < positive; j++) {
        rank += row[j] >= v ? 1 : 0;
      }
      for (int j = positive + 1; j < images; j++) {
        rank += row[j] > v ? 1 : 0;
      }
      textRanks[u] = rank;
      for (int j = 0; j < images; j++) {
        above[j] += row[j] > threshold[j] ? 1 : 0;
      }
      // equal scores rank above the best positive only when they come from a lower text index
      for (int j = 0; j < images; j++) {
        if (row[j] == threshold[j] && u < bestText[j]) {
          above[j]++;
        }
      }
    }
    return above;
  }

  private static int[] addInto(int[] a, int[] b) {
    int[] out = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] + b[i];
    }
    return out;
  }

  /**
   * The reference pipeline's score matrix: L2-normalise both embedding sets in float32, then texts
   * x images dot products (accumulated in double, rounded to float32).
   */
  public static float[][] cosineScores(float[][] imageEmbeddings, float[][] textEmbeddings) {
    ScoreRows rows = cosineRows(imageEmbeddings, textEmbeddings);
    float[][] out = new float[rows.texts()][rows.images()];
    IntStream.range(0, rows.texts())
        .parallel()
        .forEach(t -> rows.fill(t, t + 1, new float[][] {out[t]}));
    return out;
  }

  /**
   * The rows of {@link #cosineScores}, computed a block at a time: only the normalised embeddings
   * are held.
   */
  public static ScoreRows cosineRows(float[][] imageEmbeddings, float[][] textEmbeddings) {
    float[][] images = normalise(imageEmbeddings);
    float[][] texts = normalise(textEmbeddings);
    return new ScoreRows() {
      @Override
      public int texts() {
        return texts.length;
      }

      @Override
      public int images() {
        return images.length;
      }

      @Override
      public void fill(int from, int to, float[][] out) {
        for (int t = from; t < to; t++) {
          float[] row = out[t - from];
          for (int i = 0; i < images.length; i++) {
            row[i] = at(t, i);
          }
        }
      }

      @Override
      public float at(int text, int image) {
        double dot = 0;
        for (int d = 0; d < texts[text].length; d++) {
          dot += texts[text][d] * images[image][d];
        }
        return (float) dot;
      }
    };
  }

  private static float[][] normalise(float[][] vectors) {
    float[][] out = new float[vectors.length][];
    for (int v = 0; v < vectors.length; v++) {
      double sq = 0;
      for (float x : vectors[v]) {
        sq += (double) x * x;
      }
      float norm = (float) Math.max(Math.sqrt(sq), 1e-12);
      out[v] = new float[vectors[v].length];
      for (int d = 0; d < vectors[v].length; d++) {
        out[v][d] = vectors[v][d] / norm;
      }
    }
    return out;
  }

  private static double float32Mean(int[] ranks, int k) {
    int hits = 0;
    for (int r : ranks) {
      hits += r < k ? 1 : 0;
    }
    return (float) hits / (float) ranks.length;
  }

  private static void checkKs(int[] ks, int images, int texts) {
    for (int k : ks) {
      if (k < 1) {
        throw new IllegalArgumentException("k must be >= 1, got " + k);
      }
      if (k > images) {
        throw new IllegalArgumentException(
            "k="
                + k
                + " exceeds the image gallery size "
                + images
                + " (the reference's torch.topk raises 'selected index k out of range')");
      }
      if (k > texts) {
        throw new IllegalArgumentException(
            "k="
                + k
                + " exceeds the text gallery size "
                + texts
                + " (the reference's torch.topk raises 'selected index k out of range')");
      }
    }
  }
}
