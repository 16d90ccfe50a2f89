package io.vleval.cli.testplugins;

import io.vleval.api.error.VlevalException;
import io.vleval.api.plugin.ReporterProvider;
import io.vleval.api.result.MetricValue;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.api.spec.Doc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Test reporter: one line per task with its headline metric, in a text file. */
public final class SummaryReporterProvider
    implements ReporterProvider<SummaryReporterProvider.Spec> {

  /** Options. */
  public record Spec(@Doc("file name inside the run directory (default summary.txt)") String file) {
    public Spec {
      file = file == null ? "summary.txt" : file;
      if (file.contains("/") || file.contains("..")) {
        throw new IllegalArgumentException("file must be a plain file name, got " + file);
      }
    }
  }

  @Override
  public String type() {
    return "test-summary";
  }

  @Override
  public String description() {
    return "test reporter: headline metric per task in a text file";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public void report(Spec spec, RunResult result, Path runDirectory) {
    StringBuilder out = new StringBuilder();
    for (TaskResult t : result.tasks()) {
      MetricValue m = t.metric(t.headline());
      out.append(
          String.format(Locale.ROOT, "%s %s %s=%.6f%n", t.model(), t.task(), m.name(), m.value()));
    }
    try {
      Files.writeString(runDirectory.resolve(spec.file()), out);
    } catch (IOException e) {
      throw new VlevalException(
          runDirectory.resolve(spec.file()) + ": cannot write: " + e.getMessage(), e);
    }
  }
}
