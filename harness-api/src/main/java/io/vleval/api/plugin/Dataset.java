package io.vleval.api.plugin;

import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import java.util.function.Supplier;

/** An opened dataset: metadata now, samples streamed on demand, in a stable order. */
public interface Dataset<T extends Sample> {

  Class<T> sampleType();

  DatasetInfo info();

  /** A fresh cursor over all samples, in the same order every time. */
  SampleCursor<T> samples();

  /** A dataset from its parts; {@code samples} opens a fresh cursor each time it is called. */
  static <T extends Sample> Dataset<T> of(
      Class<T> sampleType, DatasetInfo info, Supplier<SampleCursor<T>> samples) {
    return new Dataset<>() {
      @Override
      public Class<T> sampleType() {
        return sampleType;
      }

      @Override
      public DatasetInfo info() {
        return info;
      }

      @Override
      public SampleCursor<T> samples() {
        return samples.get();
      }
    };
  }
}
