package io.vleval.core.run;

import java.io.Serializable;

/**
 * One result row of a run as a distributed engine ships it to its workers: which model runs which
 * task on which dataset. With the config it names everything a worker needs to rebuild the row's
 * task session.
 *
 * @param model the model entry's name
 * @param task the task entry's name
 * @param row the result row's name (the task's name, or its row for one of its {@code
 *     eval_datasets})
 * @param dataset the name of the dataset the row evaluates
 * @param batchSize the task's batch size: the local engine cuts its pending samples, in dataset
 *     order, into batches of this size, and an engine whose workers get whole batches of that cut
 *     computes every record from the same batch as the local engine
 */
public record RowWork(String model, String task, String row, String dataset, int batchSize)
    implements Serializable {
  private static final long serialVersionUID = 1L;
}
