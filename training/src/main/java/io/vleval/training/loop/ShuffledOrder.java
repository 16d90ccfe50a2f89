package io.vleval.training.loop;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The order samples are drawn in: epoch after epoch, each a Fisher–Yates permutation seeded by
 * {@code (seed, epoch)}, so the k-th sample drawn depends only on the seed and k (a resumed run
 * draws exactly what the uninterrupted one would).
 */
public final class ShuffledOrder implements SampleOrder {

  private final int size;
  private final long seed;
  private final Map<Long, int[]> epochs = new HashMap<>();

  /**
   * @param size samples per epoch
   * @param seed the seed
   */
  public ShuffledOrder(int size, long seed) {
    if (size < 1) {
      throw new IllegalArgumentException("no training samples");
    }
    this.size = size;
    this.seed = seed;
  }

  @Override
  public int at(long k) {
    long epoch = k / size;
    int[] perm = epochs.computeIfAbsent(epoch, this::permutation);
    if (epochs.size() > 4) {
      epochs.keySet().removeIf(e -> e < epoch - 1);
    }
    return perm[(int) (k % size)];
  }

  @Override
  public long epochs(long drawn) {
    return drawn / size;
  }

  private int[] permutation(long epoch) {
    int[] p = new int[size];
    for (int i = 0; i < size; i++) {
      p[i] = i;
    }
    SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
    for (int i = size - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
