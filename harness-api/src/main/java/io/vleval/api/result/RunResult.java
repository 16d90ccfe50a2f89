package io.vleval.api.result;

import java.util.List;

/**
 * A finished run, as written to {@code results.json}. The schema is versioned: readers refuse a
 * {@code schemaVersion} they do not know rather than misread it.
 *
 * @param runId unique id of the run (the run directory's name by default)
 * @param startedAt ISO-8601 instant
 * @param finishedAt ISO-8601 instant
 * @param config the normalized config (YAML), defaults filled in
 * @param configSha256 SHA-256 of {@code config}, hex
 */
public record RunResult(
    int schemaVersion,
    String runId,
    String name,
    String startedAt,
    String finishedAt,
    String config,
    String configSha256,
    Provenance provenance,
    List<TaskResult> tasks) {

  public static final int SCHEMA_VERSION = 1;

  public RunResult {
    tasks = List.copyOf(tasks);
  }
}
