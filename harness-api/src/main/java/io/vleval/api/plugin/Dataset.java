package io.vleval.api.plugin;

import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;

/** An opened dataset: metadata now, samples streamed on demand, in a stable order. */
public interface Dataset<T extends Sample> {

  Class<T> sampleType();

  DatasetInfo info();

  /** A fresh cursor over all samples, in the same order every time. */
  SampleCursor<T> samples();
}
