package io.vleval.datasets.shuffle;

import java.util.SplittableRandom;

/**
 * The order shards are read in for one epoch: a uniformly random permutation (Fisher-Yates) drawn
 * from the seed and the epoch, so every epoch reads the shards in a new order and a rerun with the
 * same seed reads them in the same order.
 */
public final class ShardOrder {
  private ShardOrder() {}

  /**
   * @return a permutation of {@code 0 .. count-1} for {@code seed} and {@code epoch}
   */
  public static int[] permutation(int count, long seed, long epoch) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, got " + count);
    }
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    // one stream per (seed, epoch): SplittableRandom mixes the seed, the golden gamma spreads
    // epochs
    SplittableRandom random = new SplittableRandom(seed ^ (epoch * 0x9E3779B97F4A7C15L));
    for (int i = count - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
