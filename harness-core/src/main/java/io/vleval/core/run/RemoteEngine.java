package io.vleval.core.run;

import java.util.List;

/**
 * Where the per-sample work of a run goes when it does not run in the runner's own JVM: the runner
 * keeps everything else (run directory, resume, order, records written exactly once, scoring) and
 * hands an engine only the ids of the samples a row still needs. {@link RowWorker} does the work on
 * the engine's side.
 */
public interface RemoteEngine extends AutoCloseable {

  /**
   * Processes the samples {@code pendingIds} of one row.
   *
   * @param work the row
   * @param pendingIds the ids still to process, in dataset order
   * @return an outcome for each id, in any order; an id may come back more than once (a retried
   *     worker), and the runner keeps the first
   */
  List<RemoteOutcome> process(RowWork work, List<String> pendingIds);

  @Override
  void close();
}
