package io.vleval.training.loop;

import java.util.Arrays;

/**
 * One replica's part of a micro-batch under data parallelism: the micro-batch's samples, in the
 * order the seeded shuffle drew them, and the contiguous rows {@code [from, to)} this replica
 * computes (replica {@code i} of {@code n} gets rows {@code [B·i/n, B·(i+1)/n)}, so sizes differ by
 * at most one). An objective sees every sample of the micro-batch, so choices made over the whole
 * batch (a caption drawn per sample, a hard negative from another shard, the number of target
 * tokens a mean divides by) are the same as on one device.
 *
 * @param samples every sample of the micro-batch
 * @param index this shard's position, 0 for the replica that owns the optimizer
 * @param count the number of shards (replicas)
 * @param from this shard's first row
 * @param to one past its last row
 */
public record Shard(int[] samples, int index, int count, int from, int to) {

  /**
   * Shard {@code index} of {@code count} of a micro-batch.
   *
   * @param samples the micro-batch's samples
   * @param index the shard
   * @param count the number of shards, at most the number of samples
   * @return the shard
   */
  public static Shard of(int[] samples, int index, int count) {
    if (count < 1 || count > samples.length || index < 0 || index >= count) {
      throw new IllegalArgumentException(
          "shard " + index + " of " + count + " of a batch of " + samples.length);
    }
    long b = samples.length;
    return new Shard(
        samples, index, count, (int) (b * index / count), (int) (b * (index + 1) / count));
  }

  /**
   * The whole micro-batch as one shard (training on one device).
   *
   * @param samples the micro-batch's samples
   * @return the shard
   */
  public static Shard whole(int[] samples) {
    return of(samples, 0, 1);
  }

  /**
   * @return whether this shard is the whole micro-batch
   */
  public boolean isWhole() {
    return count == 1;
  }

  /**
   * @return this shard's samples
   */
  public int[] own() {
    return Arrays.copyOfRange(samples, from, to);
  }

  /**
   * @return the number of this shard's rows
   */
  public int size() {
    return to - from;
  }

  /**
   * @return the number of samples in the whole micro-batch
   */
  public int batchSize() {
    return samples.length;
  }
}
