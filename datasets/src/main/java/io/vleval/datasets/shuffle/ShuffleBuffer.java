package io.vleval.datasets.shuffle;

import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Shuffles a stream through a buffer of at most {@code capacity} samples, as WebDataset's {@code
 * shuffle(n)} does: the buffer is filled, then each sample handed out is drawn at random from it
 * and its place taken by the next one read; when the source ends the rest is drawn in random order.
 * The result is a permutation of the source, the same for the same seed, and no more than {@code
 * capacity} samples are ever held. A sample comes out at most {@code capacity - 1} places earlier
 * than in the source; it can come out arbitrarily later (with geometrically falling odds), so a
 * buffer well above a shard's size is needed to mix samples across shards.
 *
 * <p>A malformed entry the source throws for passes straight through, and the cursor stays usable
 * (so a run with {@code on_error: skip} goes on).
 */
public final class ShuffleBuffer<T extends Sample> implements SampleCursor<T> {

  private final SampleCursor<T> source;
  private final int capacity;
  private final SplittableRandom random;
  private final List<T> buffer;

  /**
   * @param capacity how many samples the buffer holds, at least 1 (1 keeps the source's order)
   * @param seed the seed; the same seed over the same source gives the same order
   */
  public ShuffleBuffer(SampleCursor<T> source, int capacity, long seed) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.source = source;
    this.capacity = capacity;
    this.random = new SplittableRandom(seed);
    this.buffer = new ArrayList<>(Math.min(capacity, 1 << 16));
  }

  /** How many samples the buffer holds now, at most the capacity. */
  public int buffered() {
    return buffer.size();
  }

  @Override
  public boolean hasNext() {
    return !buffer.isEmpty() || source.hasNext();
  }

  @Override
  public T next() {
    // fill first; a malformed entry thrown here leaves the buffer as it was
    while (buffer.size() < capacity && source.hasNext()) {
      buffer.add(source.next());
    }
    if (buffer.isEmpty()) {
      throw new NoSuchElementException();
    }
    int k = random.nextInt(buffer.size());
    T out = buffer.get(k);
    int last = buffer.size() - 1;
    buffer.set(k, buffer.get(last));
    buffer.remove(last);
    return out;
  }

  @Override
  public void close() {
    buffer.clear();
    source.close();
  }
}
