package io.vleval.training.data;

import io.vleval.api.error.VlevalException;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.datasets.shuffle.ShuffleBuffer;
import io.vleval.training.loop.SampleOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Examples read as a stream, epoch after epoch: each epoch opens the data again (shards in that
 * epoch's seeded order) and draws from a {@link ShuffleBuffer} of {@code buffer} examples seeded by
 * the seed and the epoch, as WebDataset's training pipelines do. The loop draws positions of this
 * stream in order ({@code at(k) = k}); only the buffer and the last {@code keep} examples (the
 * micro-batch being computed) are held. A resumed run reads the stream again from the start and
 * passes over what was drawn before, so it draws what the uninterrupted run would.
 *
 * @param <E> the example type
 */
final class StreamedExamples<E extends Sample> implements Examples<E> {

  private final IntFunction<SampleCursor<E>> epochs;
  private final int buffer;
  private final long seed;
  private final int keep;
  private final String what;
  private final List<E> window = new ArrayList<>();
  private final List<Long> epochEnds = new ArrayList<>();
  private long windowStart;
  private long read;
  private int epoch;
  private SampleCursor<E> cursor;

  /**
   * @param epochs an epoch's examples in stream order, unshuffled
   * @param buffer the shuffle buffer's size, at least 1
   * @param seed seeds the buffer's draws (with the epoch)
   * @param keep how many of the last examples stay readable: at least a micro-batch
   * @param what how messages name the data ("stage 's1'")
   */
  StreamedExamples(
      IntFunction<SampleCursor<E>> epochs, int buffer, long seed, int keep, String what) {
    if (buffer < 1 || keep < 1) {
      throw new IllegalArgumentException("buffer " + buffer + " and keep " + keep);
    }
    this.epochs = epochs;
    this.buffer = buffer;
    this.seed = seed;
    this.keep = keep;
    this.what = what;
  }

  @Override
  public int size() {
    return -1;
  }

  @Override
  public E get(int i) {
    if (i < windowStart) {
      throw new IllegalStateException(
          "position " + i + " of the stream was passed (the oldest held is " + windowStart + ")");
    }
    while (read <= i) {
      window.add(nextExample());
      read++;
      if (window.size() >= 2 * keep) {
        // drop all but the last keep at once (amortized constant time per example)
        int drop = window.size() - keep;
        window.subList(0, drop).clear();
        windowStart += drop;
      }
    }
    return window.get((int) (i - windowStart));
  }

  private E nextExample() {
    if (cursor == null) {
      cursor = new ShuffleBuffer<>(epochs.apply(epoch), buffer, seed * 31 + epoch);
      if (!cursor.hasNext()) {
        close();
        throw new VlevalException(what + ": its data holds no samples");
      }
    }
    E next = cursor.next();
    if (!cursor.hasNext()) {
      // the epoch ends with this example: the next one opens the next epoch
      close();
      epochEnds.add(read + 1);
      epoch++;
    }
    return next;
  }

  @Override
  public SampleOrder order(long orderSeed) {
    return new SampleOrder() {
      @Override
      public int at(long k) {
        if (k > Integer.MAX_VALUE) {
          throw new VlevalException(
              what + ": more than " + Integer.MAX_VALUE + " examples drawn from one stream");
        }
        return (int) k;
      }

      @Override
      public long epochs(long drawn) {
        return epochEnds.stream().filter(end -> end <= drawn).count();
      }
    };
  }

  @Override
  public void close() {
    if (cursor != null) {
      cursor.close();
      cursor = null;
    }
  }
}
