package io.vleval.api.task;

import io.vleval.api.plugin.DatasetInfo;
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

  /**
   * A session scoring one more evaluation dataset (an entry of the task's {@code eval_datasets})
   * with what this session prepared (a trained head), so every row of the entry comes from the same
   * preparation. The runner calls it only for tasks whose provider says {@link
   * io.vleval.api.plugin.TaskProvider#evaluatesFurtherDatasets} and closes the returned session
   * before this one; closing it must leave this session's state alone.
   *
   * @param other the further dataset, whose samples then come through the returned session
   */
  default TaskSession<T, R> on(DatasetInfo other) {
    throw new UnsupportedOperationException("this task is evaluated on one dataset only");
  }

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
