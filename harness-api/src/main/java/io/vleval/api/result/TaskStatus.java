package io.vleval.api.result;

/** Whether a task produced scores. */
public enum TaskStatus {
  /** The task scored its samples: its metrics hold the scores. */
  SCORED,
  /**
   * No sample could be scored (every one was unreadable or failed under {@code on_error: skip}, or
   * the dataset is empty): the task has no metrics, and a gate on it fails.
   */
  NO_SCORE
}
