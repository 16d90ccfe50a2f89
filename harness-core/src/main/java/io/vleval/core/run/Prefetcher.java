package io.vleval.core.run;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The decode pipeline between a dataset and the model: one thread walks the cursor, worker threads
 * decode the samples of upcoming batches in parallel, and a bounded queue of batches keeps memory
 * at {@code queueBatches x batchSize} decoded samples whatever the dataset's size. Batches come out
 * in dataset order.
 */
final class Prefetcher implements AutoCloseable {

  /**
   * One dataset entry, in order: a sample to process, one already recorded, or one the loader could
   * not list.
   */
  record Entry(String id, Future<Sample> sample, DatasetFormatException listingError) {}

  /** What the producer hands over: entries, or the failure that stopped the walk. */
  private record Chunk(List<Entry> entries, RuntimeException failure, boolean end) {}

  private final BlockingQueue<Chunk> queue;
  private final ExecutorService workers;
  private final Thread producer;
  private volatile boolean closed;

  /**
   * @param recorded ids already recorded, whose samples are listed but not decoded
   */
  Prefetcher(
      SampleCursor<? extends Sample> cursor,
      Predicate<String> recorded,
      int batchSize,
      int threads,
      int queueBatches) {
    this.queue = new ArrayBlockingQueue<>(Math.max(1, queueBatches));
    this.workers =
        Executors.newFixedThreadPool(
            Math.max(1, threads),
            r -> {
              Thread t = new Thread(r, "vleval-decode");
              t.setDaemon(true);
              return t;
            });
    this.producer = new Thread(() -> walk(cursor, recorded, batchSize), "vleval-listing");
    producer.setDaemon(true);
    producer.start();
  }

  private void walk(
      SampleCursor<? extends Sample> cursor, Predicate<String> recorded, int batchSize) {
    try (cursor) {
      List<Entry> chunk = new ArrayList<>();
      int pending = 0;
      long position = 0;
      while (!closed && cursor.hasNext()) {
        position++;
        Entry entry;
        try {
          Sample s = cursor.next();
          entry =
              recorded.test(s.id())
                  ? new Entry(s.id(), null, null)
                  : new Entry(s.id(), workers.submit(() -> Preload.of(s)), null);
        } catch (DatasetFormatException e) {
          entry = new Entry(e.sampleId() != null ? e.sampleId() : "entry-" + position, null, e);
        }
        chunk.add(entry);
        if (entry.sample() != null && ++pending == batchSize) {
          put(new Chunk(chunk, null, false));
          chunk = new ArrayList<>();
          pending = 0;
        }
      }
      put(new Chunk(chunk, null, true));
    } catch (RuntimeException | Error e) {
      // whatever stops the walk reaches the consumer, which would otherwise wait for ever
      RuntimeException failure =
          e instanceof RuntimeException r
              ? r
              : new IllegalStateException("listing the dataset failed: " + e, e);
      try {
        put(new Chunk(List.of(), failure, true));
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void put(Chunk chunk) throws InterruptedException {
    while (!closed) {
      if (queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
        return;
      }
    }
  }

  /**
   * The next entries in dataset order (a batch's worth of samples to process, at most), or {@code
   * null} at the end.
   */
  List<Entry> next() {
    if (closed) {
      return null;
    }
    Chunk chunk;
    try {
      chunk = queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for decoded samples", e);
    }
    if (chunk.failure() != null) {
      closed = true;
      throw chunk.failure();
    }
    if (chunk.end()) {
      closed = true;
    }
    return chunk.entries().isEmpty() && chunk.end() ? null : chunk.entries();
  }

  /** The decoded sample of an entry, waiting for its worker. */
  static Sample await(Entry entry) {
    try {
      return entry.sample().get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("decoding failed", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while decoding", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    producer.interrupt();
    workers.shutdownNow();
  }
}
