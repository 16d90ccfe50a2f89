package io.vleval.core.run;

import java.io.Serializable;

/**
 * What a worker made of one sample: its per-sample record or its error, each as the JSON line the
 * run directory's {@code .jsonl} files hold.
 *
 * @param sampleId the sample's id
 * @param record the record's JSON line, or {@code null} when the sample failed
 * @param error the {@link SampleError}'s JSON line, or {@code null} when the sample has a record
 */
public record RemoteOutcome(String sampleId, String record, String error) implements Serializable {
  private static final long serialVersionUID = 1L;

  public RemoteOutcome {
    if ((record == null) == (error == null)) {
      throw new IllegalArgumentException("exactly one of record and error, for " + sampleId);
    }
  }
}
