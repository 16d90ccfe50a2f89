package io.vleval.api.plugin;

import io.vleval.api.result.RunResult;
import java.nio.file.Path;

/**
 * Renders a finished run (JSON, CSV, Allure, HTML...). Registered in {@code
 * META-INF/services/io.vleval.api.plugin.ReporterProvider}. Reporters only render: they never
 * compute scores.
 */
public interface ReporterProvider<S extends Record> extends Plugin<S> {

  /** Writes this reporter's output for {@code result} into {@code runDirectory}. */
  void report(S spec, RunResult result, Path runDirectory);
}
