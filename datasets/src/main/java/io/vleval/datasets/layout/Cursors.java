package io.vleval.datasets.layout;

import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.IntFunction;

/** Cursors over samples built on demand from a listing kept as plain values. */
public final class Cursors {
  private Cursors() {}

  /** A cursor whose i-th sample is {@code make.apply(i)}, for i below {@code count}. */
  public static <T extends Sample> SampleCursor<T> indexed(int count, IntFunction<T> make) {
    return new SampleCursor<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < count;
      }

      @Override
      public T next() {
        if (next >= count) {
          throw new NoSuchElementException();
        }
        // advance first, so a malformed entry that throws does not block the cursor
        int i = next++;
        return make.apply(i);
      }

      @Override
      public void close() {
        // nothing held open
      }
    };
  }

  public static <T extends Sample> SampleCursor<T> of(List<T> samples) {
    return indexed(samples.size(), samples::get);
  }
}
