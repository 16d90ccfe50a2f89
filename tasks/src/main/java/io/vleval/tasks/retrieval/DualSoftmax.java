package io.vleval.tasks.retrieval;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Dual-softmax re-scoring of a text x video similarity matrix, as the reference MSR-VTT script
 * ({@code video_retrieval/test_msrvtt.py}, {@code use_dsl=True}, its default) applies it before
 * Recall@K.
 *
 * <p>With {@code S} the texts x videos matrix of cosine similarities, the reference ranks
 *
 * <ul>
 *   <li>text &rarr; video on {@code S * S.softmax(dim=0)}: S<sub>t,v</sub> &middot;
 *       exp(S<sub>t,v</sub>) / &Sigma;<sub>u</sub> exp(S<sub>u,v</sub>), each similarity weighted
 *       by a softmax over the texts of its video's column ({@link #textToVideo});
 *   <li>video &rarr; text on {@code S.T * S.T.softmax(dim=0)}: S<sub>t,v</sub> &middot;
 *       exp(S<sub>t,v</sub>) / &Sigma;<sub>w</sub> exp(S<sub>t,w</sub>), weighted by a softmax over
 *       the videos of its text's row ({@link #videoToText}, returned in the texts x videos layout,
 *       so its column v holds video v's row of the reference's matrix).
 * </ul>
 *
 * There is no temperature: the softmax runs on the similarities themselves. Each softmax is
 * computed as {@code exp(x - max) / sum} in double and rounded to float32, then multiplied by the
 * float32 similarity in float32, as torch does; {@code tasks/src/test/resources/msrvtt/} holds the
 * reference's own matrices for a random case.
 */
public final class DualSoftmax {
  private DualSoftmax() {}

  /** Text-to-video scores: each column softmaxed over the texts, times the similarities. */
  public static float[][] textToVideo(float[][] scores) {
    int texts = scores.length;
    int videos = texts == 0 ? 0 : scores[0].length;
    float[][] out = new float[texts][videos];
    double[] e = new double[texts];
    for (int v = 0; v < videos; v++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int t = 0; t < texts; t++) {
        max = Math.max(max, scores[t][v]);
      }
      double sum = 0;
      for (int t = 0; t < texts; t++) {
        e[t] = Math.exp(scores[t][v] - max);
        sum += e[t];
      }
      for (int t = 0; t < texts; t++) {
        out[t][v] = scores[t][v] * (float) (e[t] / sum);
      }
    }
    return out;
  }

  /**
   * Video-to-text scores, in the texts x videos layout: each row softmaxed over the videos, times
   * the similarities.
   */
  public static float[][] videoToText(float[][] scores) {
    float[][] out = new float[scores.length][];
    for (int t = 0; t < scores.length; t++) {
      out[t] = scores[t].clone();
      rowSoftmaxTimesScores(out[t]);
    }
    return out;
  }

  /**
   * The ranks Recall@K needs, with dual softmax: each text's rank of its video from {@link
   * #textToVideo}, each video's best rank of its texts from {@link #videoToText}.
   *
   * @param scores texts x videos cosine similarities
   * @param textVideoIndex the video of each text
   */
  public static RetrievalRanks ranks(float[][] scores, int[] textVideoIndex) {
    return ranks(ScoreRows.of(scores), textVideoIndex, 256);
  }

  /**
   * The same ranks, {@code blockRows} texts at a time: a first pass over the rows finds each
   * column's maximum, a second sums each column's exponentials (in text order, as the whole matrix
   * sums them, so every value is the same to the bit), and the ranks are counted on rows re-scored
   * from those column statistics ({@link #textToVideo}) and from each row's own softmax ({@link
   * #videoToText}). Memory: two doubles per video, and a block of rows per thread.
   */
  public static RetrievalRanks ranks(ScoreRows scores, int[] textVideoIndex, int blockRows) {
    int texts = scores.texts();
    int videos = scores.images();
    if (blockRows < 1) {
      throw new IllegalArgumentException("blockRows must be positive, got " + blockRows);
    }
    double[] max = new double[videos];
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
    float[][] block = new float[Math.min(blockRows, Math.max(1, texts))][videos];
    for (int from = 0; from < texts; from += blockRows) {
      int to = Math.min(texts, from + blockRows);
      scores.fill(from, to, block);
      for (int r = 0; r < to - from; r++) {
        for (int v = 0; v < videos; v++) {
          max[v] = Math.max(max[v], block[r][v]);
        }
      }
    }
    double[] sum = new double[videos];
    for (int from = 0; from < texts; from += blockRows) {
      int to = Math.min(texts, from + blockRows);
      scores.fill(from, to, block);
      for (int r = 0; r < to - from; r++) {
        for (int v = 0; v < videos; v++) {
          sum[v] += Math.exp(block[r][v] - max[v]);
        }
      }
    }
    ScoreRows textToVideo =
        new Rescored(
            scores,
            row -> {
              for (int v = 0; v < videos; v++) {
                row[v] = columnSoftmaxTimesScore(row[v], max[v], sum[v]);
              }
            }) {
          @Override
          public float at(int text, int video) {
            return columnSoftmaxTimesScore(scores.at(text, video), max[video], sum[video]);
          }
        };
    ScoreRows videoToText = new Rescored(scores, DualSoftmax::rowSoftmaxTimesScores);
    RetrievalRanks t2v = ZeroShotRetrieval.ranks(textToVideo, textVideoIndex, blockRows);
    RetrievalRanks v2t = ZeroShotRetrieval.ranks(videoToText, textVideoIndex, blockRows);
    return new RetrievalRanks(t2v.textRanks(), v2t.imageRanks(), t2v.textImageIndex());
  }

  /** One score weighted by its column's softmax, from the column's maximum and sum. */
  private static float columnSoftmaxTimesScore(float score, double max, double sum) {
    return score * (float) (Math.exp(score - max) / sum);
  }

  /** Row {@code row} softmaxed over the videos, times itself, in place ({@link #videoToText}). */
  private static void rowSoftmaxTimesScores(float[] row) {
    double max = Double.NEGATIVE_INFINITY;
    for (float x : row) {
      max = Math.max(max, x);
    }
    double[] e = new double[row.length];
    double sum = 0;
    for (int v = 0; v < row.length; v++) {
      e[v] = Math.exp(row[v] - max);
      sum += e[v];
    }
    for (int v = 0; v < row.length; v++) {
      row[v] = row[v] * (float) (e[v] / sum);
    }
  }

  /** The rows of a score matrix, each re-scored in place as it is produced. */
  private static class Rescored implements ScoreRows {
    private final ScoreRows scores;
    private final Consumer<float[]> rescore;

    Rescored(ScoreRows scores, Consumer<float[]> rescore) {
      this.scores = scores;
      this.rescore = rescore;
    }

    @Override
    public int texts() {
      return scores.texts();
    }

    @Override
    public int images() {
      return scores.images();
    }

    @Override
    public void fill(int from, int to, float[][] out) {
      scores.fill(from, to, out);
      for (int r = 0; r < to - from; r++) {
        rescore.accept(out[r]);
      }
    }
  }
}
