package io.vleval.api.task;

import io.vleval.api.model.Model;
import io.vleval.api.sample.Sample;
import java.util.function.BiFunction;

/** An evaluation protocol, configured, ready to run on any model with the capabilities it needs. */
public interface Task<T extends Sample, R extends SampleRecord> {

  /** Bumped when a change to the protocol changes scores; recorded with every result. */
  String version();

  /**
   * Which protocol this configured task runs, recorded with every result and shown beside its
   * scores: {@code reference} when it is the reference evaluation code's protocol, else the name of
   * the faster variant the config chose (e.g. {@code cached-features}), so a score never passes for
   * the paper's when it was obtained otherwise. {@code null} when the task does not say.
   */
  default String protocol() {
    return null;
  }

  Class<T> sampleType();

  Class<R> recordType();

  /**
   * Prepares the task for one model (for example builds a zero-shot classifier from class names).
   */
  TaskSession<T, R> start(Model model, TaskContext context);

  /**
   * A task from its parts, for providers whose task needs no state beyond what {@code start}
   * captures.
   */
  static <T extends Sample, R extends SampleRecord> Task<T, R> of(
      String version,
      Class<T> sampleType,
      Class<R> recordType,
      BiFunction<Model, TaskContext, TaskSession<T, R>> start) {
    return new Task<>() {
      @Override
      public String version() {
        return version;
      }

      @Override
      public Class<T> sampleType() {
        return sampleType;
      }

      @Override
      public Class<R> recordType() {
        return recordType;
      }

      @Override
      public TaskSession<T, R> start(Model model, TaskContext context) {
        return start.apply(model, context);
      }
    };
  }
}
