package io.vleval.api.sample;

import java.util.Iterator;

/**
 * A stream of samples that may hold files open. Datasets stream: they never hold all samples in
 * memory unless a task needs that.
 */
public interface SampleCursor<T extends Sample> extends Iterator<T>, AutoCloseable {
  @Override
  void close();
}
