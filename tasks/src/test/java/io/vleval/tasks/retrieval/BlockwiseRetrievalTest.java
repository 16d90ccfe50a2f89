package io.vleval.tasks.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.task.TaskOutcome;
import io.vleval.tasks.embedding.Vectors;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.outcome.Outcomes;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The retrieval tasks score from their records a block of rows at a time, and their scores equal
 * those of the whole texts x gallery matrix built in memory.
 */
class BlockwiseRetrievalTest {

  static float[] unit(SplittableRandom r, int dim) {
    float[] v = new float[dim];
    for (int d = 0; d < dim; d++) {
      v[d] = (float) r.nextGaussian();
    }
    return Vectors.normalized(v);
  }

  /** 40 images with 0 to 6 captions each (more texts than a block of rows in some tests). */
  static List<RetrievalProvider.Embedded> records(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<RetrievalProvider.Embedded> out = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      float[] image = unit(r, 8);
      List<float[]> texts = new ArrayList<>();
      List<String> captions = new ArrayList<>();
      int n = i == 7 ? 0 : 1 + r.nextInt(6);
      for (int c = 0; c < n; c++) {
        float[] t = unit(r, 8);
        // captions close to their image, so the ranks are not all chance
        for (int d = 0; d < 8; d++) {
          t[d] += image[d];
        }
        texts.add(Vectors.normalized(t));
        captions.add("c" + c);
      }
      out.add(new RetrievalProvider.Embedded("i" + i, captions, image, texts));
    }
    return out;
  }

  /** The whole matrix, as the tasks built it before they scored in blocks. */
  static float[][] wholeMatrix(List<RetrievalProvider.Embedded> records, List<Integer> owner) {
    List<float[]> rows = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      for (float[] t : records.get(i).texts()) {
        rows.add(t);
        owner.add(i);
      }
    }
    float[][] scores = new float[rows.size()][records.size()];
    for (int t = 0; t < rows.size(); t++) {
      for (int i = 0; i < records.size(); i++) {
        scores[t][i] = Vectors.dot(rows.get(t), records.get(i).image());
      }
    }
    return scores;
  }

  @Test
  void theRowsOfABlockAreTheRowsOfTheWholeMatrix() {
    List<RetrievalProvider.Embedded> records = records(3);
    List<Integer> owner = new ArrayList<>();
    float[][] whole = wholeMatrix(records, owner);
    ScoreMatrix<RetrievalProvider.Embedded> m =
        ScoreMatrix.of(
            records, RetrievalProvider.Embedded::image, RetrievalProvider.Embedded::texts);
    assertThat(m.texts()).isEqualTo(whole.length);
    assertThat(m.images()).isEqualTo(40);
    assertThat(m.textIndex()).containsExactly(owner.stream().mapToInt(i -> i).toArray());
    for (int t = 0; t < whole.length; t++) {
      for (int i = 0; i < 40; i++) {
        assertThat(m.at(t, i)).isEqualTo(whole[t][i]);
      }
    }
    for (int block : new int[] {1, 4, 9}) {
      for (int from = 0; from < whole.length; from += block) {
        int to = Math.min(whole.length, from + block);
        float[][] out = new float[to - from][40];
        m.fill(from, to, out);
        for (int t = from; t < to; t++) {
          assertThat(out[t - from]).containsExactly(whole[t]);
        }
      }
    }
  }

  @Test
  void retrievalScoresEqualThoseOfTheWholeMatrix() {
    List<RetrievalProvider.Embedded> records = records(5);
    List<Integer> owner = new ArrayList<>();
    float[][] whole = wholeMatrix(records, owner);
    int[] index = owner.stream().mapToInt(i -> i).toArray();
    assertThat(whole.length).isGreaterThan(ScoreMatrix.BLOCK_ROWS / 4);
    TaskOutcome blockwise =
        RetrievalProvider.outcome(
            records, new RetrievalProvider.Spec(true, List.of(1, 5, 10), null, 200), 9);
    ScoreTable table =
        RetrievalScoring.score(whole, index, new int[] {1, 5, 10}, ScoreMatrix.options(200, 9));
    assertThat(blockwise.metrics()).isEqualTo(Outcomes.metrics(table, name -> true, ""));
    // ranks from blocks of 5 rows equal those of one block holding every row
    ScoreMatrix<RetrievalProvider.Embedded> m =
        ScoreMatrix.of(
            records, RetrievalProvider.Embedded::image, RetrievalProvider.Embedded::texts);
    RetrievalRanks small = ZeroShotRetrieval.ranks(m, index, 5);
    RetrievalRanks all = ZeroShotRetrieval.ranks(whole, index);
    assertThat(small.textRanks()).containsExactly(all.textRanks());
    assertThat(small.imageRanks()).containsExactly(all.imageRanks());
    RetrievalRanks dualSmall = DualSoftmax.ranks(m, index, 5);
    RetrievalRanks dualAll = DualSoftmax.ranks(whole, index);
    assertThat(dualSmall.textRanks()).containsExactly(dualAll.textRanks());
    assertThat(dualSmall.imageRanks()).containsExactly(dualAll.imageRanks());
  }
}
