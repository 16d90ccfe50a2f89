package io.vleval.core.run;

import io.vleval.api.task.SampleRecord;

/**
 * A sample left out under {@code on_error: skip}, as {@code <task>.errors.jsonl} records it.
 *
 * @param error the one-line reason
 * @param kind {@link #UNREADABLE} (its data could not be read) or {@link #FAILED} (the task or the
 *     model failed on it); {@code null} in records written before the two were told apart, which
 *     count as unreadable
 */
record SampleError(String sampleId, String error, String kind) implements SampleRecord {

  static final String UNREADABLE = "unreadable";
  static final String FAILED = "failed";

  boolean failed() {
    return FAILED.equals(kind);
  }
}
