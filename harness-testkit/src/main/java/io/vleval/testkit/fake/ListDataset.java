package io.vleval.testkit.fake;

import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetInfo;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import java.util.Iterator;
import java.util.List;

/** An in-memory dataset over a fixed list of samples. */
public final class ListDataset<T extends Sample> implements Dataset<T> {
  private final Class<T> type;
  private final List<T> samples;
  private final DatasetInfo info;

  public ListDataset(Class<T> type, List<T> samples, List<String> classNames) {
    this.type = type;
    this.samples = List.copyOf(samples);
    StringBuilder ids = new StringBuilder();
    samples.forEach(s -> ids.append(s.id()).append('\n'));
    this.info =
        new DatasetInfo(
            Integer.toHexString(ids.toString().hashCode()), samples.size(), classNames, "memory");
  }

  @Override
  public Class<T> sampleType() {
    return type;
  }

  @Override
  public DatasetInfo info() {
    return info;
  }

  @Override
  public SampleCursor<T> samples() {
    Iterator<T> it = samples.iterator();
    return new SampleCursor<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public T next() {
        return it.next();
      }

      @Override
      public void close() {
        // nothing held open
      }
    };
  }
}
