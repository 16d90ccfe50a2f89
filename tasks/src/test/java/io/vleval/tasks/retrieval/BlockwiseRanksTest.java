package io.vleval.tasks.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Ranks counted a block of text rows at a time, with blocks smaller than the data, equal the ranks
 * of the whole matrix: plain scores against the definition of the ranks, dual softmax against the
 * whole-matrix re-scoring ({@link DualSoftmax#textToVideo}, {@link DualSoftmax#videoToText}).
 */
class BlockwiseRanksTest {

  /** Scores on a coarse grid (many ties), 1 to 4 texts per image, and two images without texts. */
  record Case(float[][] scores, int[] index) {}

  static Case randomCase(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int images = 13;
    List<Integer> owners = new ArrayList<>();
    for (int i = 0; i < images; i++) {
      if (i == 4 || i == 11) {
        continue; // no texts: always a miss
      }
      int n = 1 + r.nextInt(4);
      for (int k = 0; k < n; k++) {
        owners.add(i);
      }
    }
    Collections.shuffle(owners, new Random(seed));
    int[] index = owners.stream().mapToInt(Integer::intValue).toArray();
    float[][] scores = new float[index.length][images];
    for (int t = 0; t < index.length; t++) {
      for (int i = 0; i < images; i++) {
        scores[t][i] = (r.nextInt(9) - 4) / 8f + (i == index[t] ? 0.25f : 0f);
      }
    }
    return new Case(scores, index);
  }

  /** The ranks by their definition, over the whole matrix. */
  static RetrievalRanks definition(float[][] s, int[] index) {
    int texts = s.length;
    int images = s[0].length;
    int[] textRanks = new int[texts];
    for (int t = 0; t < texts; t++) {
      int p = index[t];
      for (int j = 0; j < images; j++) {
        if (s[t][j] > s[t][p] || (j < p && s[t][j] == s[t][p])) {
          textRanks[t]++;
        }
      }
    }
    // image -> text: rank of each text among all texts in the image's column, best over its own
    int[] imageRanks = new int[images];
    for (int i = 0; i < images; i++) {
      int best = Integer.MAX_VALUE;
      for (int u = 0; u < texts; u++) {
        if (index[u] != i) {
          continue;
        }
        int rank = 0;
        for (int w = 0; w < texts; w++) {
          if (s[w][i] > s[u][i] || (w < u && s[w][i] == s[u][i])) {
            rank++;
          }
        }
        best = Math.min(best, rank);
      }
      imageRanks[i] = best;
    }
    return new RetrievalRanks(textRanks, imageRanks, index.clone());
  }

  private static void assertSameRanks(RetrievalRanks actual, RetrievalRanks expected) {
    assertThat(actual.textRanks()).containsExactly(expected.textRanks());
    assertThat(actual.imageRanks()).containsExactly(expected.imageRanks());
    assertThat(actual.textImageIndex()).containsExactly(expected.textImageIndex());
  }

  @Test
  void blocksSmallerThanTheDataGiveTheRanksOfTheWholeMatrix() {
    for (long seed = 1; seed <= 5; seed++) {
      Case c = randomCase(seed);
      RetrievalRanks expected = definition(c.scores(), c.index());
      assertThat(expected.imageRanks()[4]).isEqualTo(Integer.MAX_VALUE);
      for (int block : new int[] {1, 2, 3, 7, c.index().length - 1, c.index().length + 5}) {
        assertSameRanks(
            ZeroShotRetrieval.ranks(ScoreRows.of(c.scores()), c.index(), block), expected);
      }
      assertSameRanks(ZeroShotRetrieval.ranks(c.scores(), c.index()), expected);
    }
  }

  @Test
  void dualSoftmaxInBlocksEqualsTheWholeMatrixRescored() {
    for (long seed = 1; seed <= 5; seed++) {
      Case c = randomCase(seed);
      RetrievalRanks t2v = definition(DualSoftmax.textToVideo(c.scores()), c.index());
      RetrievalRanks v2t = definition(DualSoftmax.videoToText(c.scores()), c.index());
      RetrievalRanks expected =
          new RetrievalRanks(t2v.textRanks(), v2t.imageRanks(), c.index().clone());
      for (int block : new int[] {1, 3, 5, c.index().length + 1}) {
        assertSameRanks(DualSoftmax.ranks(ScoreRows.of(c.scores()), c.index(), block), expected);
      }
      assertSameRanks(DualSoftmax.ranks(c.scores(), c.index()), expected);
    }
  }
}
