package io.vleval.reports.files;

import io.vleval.api.plugin.ReporterProvider;
import io.vleval.api.result.RunResult;
import io.vleval.api.spec.Doc;
import io.vleval.reports.run.OutputFiles;
import io.vleval.results.ResultCodec;
import java.nio.file.Path;

/**
 * {@code csv}: writes one row per task and metric in the {@code results.csv} format (the same
 * {@link ResultCodec} the runner uses), to another file or with another delimiter.
 */
public final class CsvReporterProvider implements ReporterProvider<CsvReporterProvider.Spec> {

  /** The column separator. */
  public enum Delimiter {
    COMMA(','),
    TAB('\t'),
    SEMICOLON(';');

    final char character;

    Delimiter(char character) {
      this.character = character;
    }
  }

  /**
   * Options.
   *
   * @param file where to write, relative to the run directory or absolute
   */
  public record Spec(
      @Doc("file to write, relative to the run directory or absolute (default results.csv)")
          String file,
      @Doc("column separator: comma (default), tab or semicolon") Delimiter delimiter) {
    public Spec {
      file = file == null ? "results.csv" : file;
      delimiter = delimiter == null ? Delimiter.COMMA : delimiter;
      if (file.isBlank()) {
        throw new IllegalArgumentException("file must not be blank");
      }
    }
  }

  @Override
  public String type() {
    return "csv";
  }

  @Override
  public String description() {
    return "one row per task and metric in the results.csv format, to another file or delimiter";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public void report(Spec spec, RunResult result, Path runDirectory) {
    OutputFiles.write(
        OutputFiles.resolve(runDirectory, spec.file()),
        ResultCodec.csv(result, spec.delimiter().character));
  }
}
