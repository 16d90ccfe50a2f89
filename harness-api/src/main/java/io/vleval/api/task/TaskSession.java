package io.vleval.api.task;

import io.vleval.api.sample.Sample;
import java.util.List;
import java.util.function.Function;

/**
 * A task at work on one model and one dataset. The runner streams samples through {@link #process}
 * in batches, appending each returned record to the run directory as it completes; on resume,
 * samples already recorded are not passed again. {@link #finish} then receives every record, in
 * dataset order, and computes the scores from them alone.
 */
public interface TaskSession<T extends Sample, R extends SampleRecord> extends AutoCloseable {

  /** One record per sample, in input order. */
  List<R> process(List<T> batch);

  /** Scores from all records; must depend on nothing but the records and the task's settings. */
  TaskOutcome finish(List<R> records);

  @Override
  void close();

  /**
   * A session from its two steps.
   *
   * @param release what {@link #close()} releases (may be a no-op)
   */
  static <T extends Sample, R extends SampleRecord> TaskSession<T, R> of(
      Function<List<T>, List<R>> process, Function<List<R>, TaskOutcome> finish, Runnable release) {
    return new TaskSession<>() {
      @Override
      public List<R> process(List<T> batch) {
        return process.apply(batch);
      }

      @Override
      public TaskOutcome finish(List<R> records) {
        return finish.apply(records);
      }

      @Override
      public void close() {
        release.run();
      }
    };
  }
}
