package io.vleval.tasks.retrieval;

import io.vleval.tasks.embedding.Vectors;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * What the retrieval tasks score from their records: the texts x gallery matrix of dot products of
 * normalized embeddings (images or clips as columns, every caption a row, in record order),
 * produced a block of rows at a time from the records, and the gallery item of each text.
 *
 * <p>Only the gallery's embeddings and an int per text and per item are held; the captions'
 * embeddings are read from the records (on disk during a run) as each block of rows is asked for.
 */
final class ScoreMatrix<R> implements ScoreRows {

  /** Text rows scored at a time by each thread. */
  static final int BLOCK_ROWS = 256;

  private final List<R> records;
  private final Function<R, List<float[]>> texts;
  private final float[][] items;
  private final int[] firstText;
  private final int[] textIndex;
  private final float[] positive;

  private ScoreMatrix(
      List<R> records,
      Function<R, List<float[]>> texts,
      float[][] items,
      int[] firstText,
      int[] textIndex,
      float[] positive) {
    this.records = records;
    this.texts = texts;
    this.items = items;
    this.firstText = firstText;
    this.textIndex = textIndex;
    this.positive = positive;
  }

  /**
   * Reads the records once for the gallery's embeddings and the number of captions of each item.
   *
   * @param item each record's normalized gallery embedding
   * @param texts each record's normalized caption embeddings
   */
  static <R> ScoreMatrix<R> of(
      List<R> records, Function<R, float[]> item, Function<R, List<float[]>> texts) {
    int n = records.size();
    float[][] items = new float[n][];
    int[] firstText = new int[n + 1];
    // each caption's score with its own item, while the record is at hand
    FloatList positive = new FloatList();
    int i = 0;
    for (R r : records) {
      items[i] = item.apply(r);
      List<float[]> own = texts.apply(r);
      for (float[] t : own) {
        positive.add(Vectors.dot(t, items[i]));
      }
      firstText[i + 1] = firstText[i] + own.size();
      i++;
    }
    int[] textIndex = new int[firstText[n]];
    for (int k = 0; k < n; k++) {
      for (int t = firstText[k]; t < firstText[k + 1]; t++) {
        textIndex[t] = k;
      }
    }
    return new ScoreMatrix<>(records, texts, items, firstText, textIndex, positive.toArray());
  }

  @Override
  public int texts() {
    return textIndex.length;
  }

  @Override
  public int images() {
    return items.length;
  }

  /** The gallery item of each text. */
  int[] textIndex() {
    return textIndex;
  }

  @Override
  public void fill(int from, int to, float[][] out) {
    if (from >= to) {
      return;
    }
    int t = from;
    // the record holding text `from`: a record without captions never holds it
    for (int i = textIndex[from]; t < to; i++) {
      List<float[]> own = texts.apply(records.get(i));
      for (int c = t - firstText[i]; c < own.size() && t < to; c++, t++) {
        float[] row = out[t - from];
        float[] text = own.get(c);
        for (int j = 0; j < items.length; j++) {
          row[j] = Vectors.dot(text, items[j]);
        }
      }
    }
  }

  @Override
  public float at(int text, int image) {
    if (image == textIndex[text]) {
      return positive[text];
    }
    int i = textIndex[text];
    return Vectors.dot(texts.apply(records.get(i)).get(text - firstText[i]), items[image]);
  }

  /** A growable float array. */
  private static final class FloatList {
    private float[] values = new float[1024];
    private int size;

    void add(float v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    float[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }

  /** The Ks of {@code wanted} that both galleries can answer (no larger than either). */
  int[] ks(List<Integer> wanted) {
    int n = texts() == 0 ? 0 : items.length;
    return wanted.stream()
        .mapToInt(Integer::intValue)
        .filter(k -> k <= n && k <= textIndex.length)
        .toArray();
  }

  /** 95% bootstrap intervals with the task's resamples and the run's seed; none for 0. */
  static ScoreOptions options(int resamples, long seed) {
    return resamples == 0 ? ScoreOptions.NO_INTERVALS : new ScoreOptions(resamples, seed, 0.95);
  }
}
