package io.vleval.api.sample;

import java.util.Iterator;

/**
 * A stream of samples that may hold files open. Datasets stream: they never hold all samples in
 * memory unless a task needs that.
 *
 * <p>{@link #next()} may throw a {@link io.vleval.api.error.DatasetFormatException} made with
 * {@code forSample} for an entry that cannot be read (a malformed row); the cursor stays usable, so
 * a run with {@code on_error: skip} records the entry and goes on.
 */
public interface SampleCursor<T extends Sample> extends Iterator<T>, AutoCloseable {
  @Override
  void close();
}
