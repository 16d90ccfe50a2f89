package io.vleval.api.config;

/** What a run does with a sample that cannot be read. */
public enum OnError {
  /** Stop the run with a message naming the file and place. */
  FAIL,
  /** Record a per-sample error, count it in the results, and go on. */
  SKIP
}
