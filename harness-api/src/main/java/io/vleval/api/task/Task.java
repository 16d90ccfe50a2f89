package io.vleval.api.task;

import io.vleval.api.model.Model;
import io.vleval.api.sample.Sample;

/**
 * An evaluation protocol, configured, ready to run on any model with the capabilities it needs.
 */
public interface Task<T extends Sample, R extends SampleRecord> {

  /** Bumped when a change to the protocol changes scores; recorded with every result. */
  String version();

  Class<T> sampleType();

  Class<R> recordType();

  /** Prepares the task for one model (for example builds a zero-shot classifier from class names). */
  TaskSession<T, R> start(Model model, TaskContext context);
}
