package io.vleval.tasks.retrieval;

import io.vleval.tasks.embedding.Vectors;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * What the retrieval tasks score from their records: the texts x gallery matrix of dot products of
 * normalized embeddings (images or clips as columns, every caption a row, in record order) and the
 * gallery item of each text.
 */
record ScoreMatrix(float[][] scores, int[] textIndex) {

  /**
   * @param items each gallery item's normalized embedding
   * @param texts each item's normalized caption embeddings
   */
  static ScoreMatrix of(List<float[]> items, List<List<float[]>> texts) {
    List<float[]> rows = new ArrayList<>();
    List<Integer> owner = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      for (float[] t : texts.get(i)) {
        rows.add(t);
        owner.add(i);
      }
    }
    float[][] scores = new float[rows.size()][items.size()];
    for (int t = 0; t < rows.size(); t++) {
      for (int i = 0; i < items.size(); i++) {
        scores[t][i] = Vectors.dot(rows.get(t), items.get(i));
      }
    }
    return new ScoreMatrix(scores, owner.stream().mapToInt(Integer::intValue).toArray());
  }

  /** The Ks of {@code wanted} that both galleries can answer (no larger than either). */
  int[] ks(List<Integer> wanted) {
    int items = scores.length == 0 ? 0 : scores[0].length;
    return wanted.stream()
        .mapToInt(Integer::intValue)
        .filter(k -> k <= items && k <= textIndex.length)
        .toArray();
  }

  /** 95% bootstrap intervals with the task's resamples and the run's seed; none for 0. */
  static ScoreOptions options(int resamples, long seed) {
    return resamples == 0 ? ScoreOptions.NO_INTERVALS : new ScoreOptions(resamples, seed, 0.95);
  }
}
