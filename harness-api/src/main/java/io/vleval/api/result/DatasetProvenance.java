package io.vleval.api.result;

import java.util.List;

/** Which data results were computed on, and what its loader warned about. */
public record DatasetProvenance(
    String name,
    String type,
    String fingerprint,
    long size,
    String location,
    List<String> warnings) {
  public DatasetProvenance {
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }
}
