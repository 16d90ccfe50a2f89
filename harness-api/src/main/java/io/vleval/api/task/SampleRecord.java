package io.vleval.api.task;

/**
 * What a task keeps about one sample (prediction, reference, correctness or per-sample score).
 * Implementations are records that Jackson can write and read back, so an interrupted run can
 * resume from them and scores can be recomputed later.
 */
public interface SampleRecord {
  String sampleId();
}
