package io.vleval.reports.files;

import io.vleval.api.plugin.ReporterProvider;
import io.vleval.api.result.RunResult;
import io.vleval.api.spec.Doc;
import io.vleval.reports.run.OutputFiles;
import io.vleval.results.ResultCodec;
import java.nio.file.Path;

/**
 * {@code json}: writes the run's result in the {@code results.json} format (the same {@link
 * ResultCodec} the runner uses) to another file, for example a CI artifact folder, or compact on
 * one line.
 */
public final class JsonReporterProvider implements ReporterProvider<JsonReporterProvider.Spec> {

  /**
   * Options.
   *
   * @param file where to write, relative to the run directory or absolute
   * @param pretty indented (the default) or one line
   */
  public record Spec(
      @Doc("file to write, relative to the run directory or absolute (default results.json)")
          String file,
      @Doc("indent the JSON (default true); false writes one line") Boolean pretty) {
    public Spec {
      file = file == null ? "results.json" : file;
      pretty = pretty == null || pretty;
      if (file.isBlank()) {
        throw new IllegalArgumentException("file must not be blank");
      }
    }
  }

  @Override
  public String type() {
    return "json";
  }

  @Override
  public String description() {
    return "the run's results in the results.json format, to another file or on one line";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public void report(Spec spec, RunResult result, Path runDirectory) {
    OutputFiles.write(
        OutputFiles.resolve(runDirectory, spec.file()), ResultCodec.json(result, spec.pretty()));
  }
}
