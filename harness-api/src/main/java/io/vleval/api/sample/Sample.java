package io.vleval.api.sample;

/**
 * One unit of evaluation data. Every sample has an id that is stable across runs of the same
 * dataset, so per-sample records can be matched when a run resumes.
 */
public interface Sample {
  /** Stable identifier, unique within its dataset. */
  String id();
}
