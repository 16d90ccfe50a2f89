package io.vleval.datasets.shuffle;

import io.vleval.api.plugin.Dataset;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;

/**
 * A dataset stored in shards (WebDataset tar files), which a trainer reads epoch after epoch, each
 * epoch with the shards in a new seeded order ({@link ShardOrder}) and its own shuffling on top, as
 * WebDataset's own training pipelines do ({@code shardshuffle} + {@code shuffle(n)}).
 *
 * @param <T> the sample type
 */
public interface ShardedDataset<T extends Sample> extends Dataset<T> {

  /**
   * @return the number of shards
   */
  int shards();

  /**
   * The samples of one epoch: every shard, in the order {@link ShardOrder#permutation} draws for
   * this seed and epoch, each read in file order; no buffer shuffling (the caller adds its own) and
   * none of the dataset entry's own shuffle settings.
   *
   * @param seed the seed of the shard order
   * @param epoch the epoch, from 0
   * @return a fresh cursor
   */
  SampleCursor<T> epoch(long seed, int epoch);
}
