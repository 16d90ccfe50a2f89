package io.vleval.tasks.captioning;

import io.vleval.tasks.metrics.text.PythonText;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Interns the n-grams (orders 1..4) of a corpus as dense ids per order: a word gets an id, and an
 * order-k n-gram is the pair (id of its first k-1 words, id of its last word). Exact (no hashing
 * collisions), allocation-light.
 */
final class NgramIndex {

  static final int MAX_ORDER = 4;
  private final Map<String, Integer> words = new HashMap<>();
  private final LongIntMap[] higher = new LongIntMap[MAX_ORDER - 1];

  NgramIndex(int expectedSentences) {
    for (int i = 0; i < higher.length; i++) {
      higher[i] = new LongIntMap(Math.max(16, expectedSentences * 4));
    }
  }

  /** Number of distinct n-grams of {@code order} (1-based) seen so far. */
  int size(int order) {
    return order == 1 ? words.size() : higher[order - 2].size();
  }

  /** Counts the n-grams of a sentence split on whitespace ({@code str.split()}). */
  SentenceNgrams encode(String sentence) {
    List<String> tokens = PythonText.splitWhitespace(sentence);
    int length = tokens.size();
    int[] previous = new int[length];
    for (int i = 0; i < length; i++) {
      previous[i] = words.computeIfAbsent(tokens.get(i), w -> words.size());
    }
    int[] wordIds = previous;
    int[][] ids = new int[MAX_ORDER][];
    int[][] counts = new int[MAX_ORDER][];
    for (int order = 1; order <= MAX_ORDER; order++) {
      int n = Math.max(0, length - order + 1);
      int[] current;
      if (order == 1) {
        current = wordIds;
      } else {
        current = new int[n];
        LongIntMap map = higher[order - 2];
        for (int i = 0; i < n; i++) {
          current[i] = map.intern(((long) previous[i] << 32) | wordIds[i + order - 1]);
        }
      }
      int[] sorted = Arrays.copyOf(current, n);
      Arrays.sort(sorted);
      int distinct = 0;
      int[] c = new int[n];
      for (int i = 0; i < n; i++) {
        if (distinct > 0 && sorted[distinct - 1] == sorted[i]) {
          c[distinct - 1]++;
        } else {
          sorted[distinct] = sorted[i];
          c[distinct] = 1;
          distinct++;
        }
      }
      ids[order - 1] = Arrays.copyOf(sorted, distinct);
      counts[order - 1] = Arrays.copyOf(c, distinct);
      previous = current;
    }
    return new SentenceNgrams(length, ids, counts);
  }
}
