package io.vleval.training.data;

import io.vleval.api.config.OnError;
import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One epoch of a stage's examples: the datasets of every role in turn, each sample expanded into
 * its examples. A malformed entry the loader reports stops the stage with its message, or, under
 * the dataset's {@code on_error: skip}, is left out and counted (one message per dataset and
 * epoch).
 *
 * @param <E> the example type
 */
final class ExampleCursor<E extends Sample> implements SampleCursor<E> {

  /**
   * One dataset of one role, ready to be read.
   *
   * @param name the dataset's name
   * @param onError what to do with a malformed entry
   * @param open its samples for this epoch
   * @param expand a sample to its examples
   * @param <E> the example type
   */
  record Part<E>(
      String name,
      OnError onError,
      Supplier<SampleCursor<? extends Sample>> open,
      Function<Sample, List<E>> expand) {}

  private final Iterator<Part<E>> parts;
  private final Consumer<String> messages;
  private final String epoch;
  private final ArrayDeque<E> ready = new ArrayDeque<>();
  private Part<E> part;
  private SampleCursor<? extends Sample> cursor;
  private long skipped;

  /**
   * @param parts the datasets, in order
   * @param messages where skipped entries are reported
   * @param epoch how messages name the pass ("epoch 2", or empty)
   */
  ExampleCursor(List<Part<E>> parts, Consumer<String> messages, String epoch) {
    this.parts = List.copyOf(parts).iterator();
    this.messages = messages;
    this.epoch = epoch;
  }

  @Override
  public boolean hasNext() {
    while (ready.isEmpty()) {
      if (cursor == null) {
        if (!parts.hasNext()) {
          return false;
        }
        part = parts.next();
        cursor = part.open().get();
        skipped = 0;
      }
      if (!cursor.hasNext()) {
        finishPart();
        continue;
      }
      try {
        // a malformed entry: the loader's, or one the stage cannot train on (no reply, no answer)
        ready.addAll(part.expand().apply(cursor.next()));
      } catch (DatasetFormatException e) {
        if (part.onError() != OnError.SKIP) {
          throw e;
        }
        skipped++;
      }
    }
    return true;
  }

  private void finishPart() {
    cursor.close();
    cursor = null;
    if (skipped > 0) {
      messages.accept(
          "dataset '"
              + part.name()
              + "': "
              + skipped
              + " malformed "
              + (skipped == 1 ? "entry" : "entries")
              + " left out (on_error: skip)"
              + (epoch.isEmpty() ? "" : ", " + epoch));
    }
  }

  @Override
  public E next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }

  @Override
  public void close() {
    if (cursor != null) {
      cursor.close();
      cursor = null;
    }
  }
}
