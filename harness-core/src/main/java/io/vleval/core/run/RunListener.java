package io.vleval.core.run;

import io.vleval.api.result.TaskResult;
import java.nio.file.Path;

/** What a run reports while it works; the command line turns it into a progress bar or lines. */
public interface RunListener {

  RunListener SILENT = new RunListener() {};

  default void runStarted(Path runDirectory, int taskRuns) {}

  /**
   * @param total samples in the dataset, or -1 when unknown
   * @param alreadyDone samples recorded by an earlier, interrupted run
   */
  default void taskStarted(String model, String task, long total, long alreadyDone) {}

  default void samplesDone(String model, String task, long done, long total) {}

  default void taskFinished(TaskResult result) {}
}
