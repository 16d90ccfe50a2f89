package io.vleval.tasks.training;

import java.util.SplittableRandom;

/** The order a head trainer visits its training samples in an epoch. */
public final class Shuffle {

  private Shuffle() {}

  /**
   * @return a Fisher–Yates permutation of {@code 0..n-1} drawn from {@code random}
   */
  public static int[] permutation(int n, SplittableRandom random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
