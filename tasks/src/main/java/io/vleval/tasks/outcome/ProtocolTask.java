package io.vleval.tasks.outcome;

import io.vleval.api.model.Model;
import io.vleval.api.sample.Sample;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskContext;
import io.vleval.api.task.TaskSession;

/** A task that records which scorer variant (protocol) produced its scores. */
public final class ProtocolTask {
  private ProtocolTask() {}

  /** {@code task}, reporting {@code protocol} as its {@link Task#protocol()}. */
  public static <T extends Sample, R extends SampleRecord> Task<T, R> named(
      Task<T, R> task, String protocol) {
    return new Task<>() {
      @Override
      public String version() {
        return task.version();
      }

      @Override
      public String protocol() {
        return protocol;
      }

      @Override
      public Class<T> sampleType() {
        return task.sampleType();
      }

      @Override
      public Class<R> recordType() {
        return task.recordType();
      }

      @Override
      public TaskSession<T, R> start(Model model, TaskContext context) {
        return task.start(model, context);
      }
    };
  }
}
