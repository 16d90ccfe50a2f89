package io.vleval.reports.run;

import io.vleval.api.error.VlevalException;
import io.vleval.api.result.RunResult;
import io.vleval.results.GateReport;
import io.vleval.results.ResultCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A finished run and the folder it was written to, from which reporters read what {@code
 * results.json} does not hold: the gate outcomes ({@code gates.json}) and the per-sample records
 * ({@code samples/<model>/<task>.jsonl}).
 *
 * @param directory the run directory, or {@code null} for a bare {@code results.json} (no samples)
 */
public record FinishedRun(RunResult result, Path directory) {

  /** The gate outcomes' file name in a run directory. */
  public static final String GATES_FILE = "gates.json";

  // Model and task names from the config are letters, digits, '.', '_' and '-'; anything else in a
  // results file (which may come from elsewhere) is never turned into a path.
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /**
   * Reads a finished run from its directory or its {@code results.json} (whose folder is then the
   * run directory).
   */
  public static FinishedRun read(Path dirOrFile) {
    ResultCodec.ResultsText text = ResultCodec.readText(dirOrFile);
    return new FinishedRun(
        ResultCodec.parse(text.json(), text.file().toString()),
        text.file().toAbsolutePath().getParent());
  }

  /** The gates of this run, when it had a {@code gates:} section. */
  public Optional<GateReport> gates() {
    if (directory == null || !Files.isRegularFile(directory.resolve(GATES_FILE))) {
      return Optional.empty();
    }
    Path file = directory.resolve(GATES_FILE);
    try {
      return Optional.of(ResultCodec.mapper().readValue(file.toFile(), GateReport.class));
    } catch (IOException e) {
      throw new VlevalException(file + ": not a valid gates file: " + e.getMessage(), e);
    }
  }

  /** The per-sample records of one task on one model, if the run directory holds them. */
  public Optional<Path> samples(String model, String task) {
    return sidecar(model, task, ".jsonl");
  }

  /** The samples skipped with {@code on_error: skip}, if any. */
  public Optional<Path> errors(String model, String task) {
    return sidecar(model, task, ".errors.jsonl");
  }

  private Optional<Path> sidecar(String model, String task, String suffix) {
    if (directory == null
        || model == null
        || task == null
        || !SAFE_NAME.matcher(model).matches()
        || !SAFE_NAME.matcher(task).matches()) {
      return Optional.empty();
    }
    Path root = directory.resolve("samples").toAbsolutePath().normalize();
    Path file = root.resolve(model).resolve(task + suffix).normalize();
    return file.startsWith(root) && Files.isRegularFile(file)
        ? Optional.of(file)
        : Optional.empty();
  }
}
