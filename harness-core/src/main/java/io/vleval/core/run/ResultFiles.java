package io.vleval.core.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.error.VlevalException;
import io.vleval.api.files.AtomicFiles;
import io.vleval.api.result.RunResult;
import io.vleval.results.GateReport;
import io.vleval.results.ResultCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reading and writing a run directory's {@code results.json}, {@code results.csv} and {@code
 * gates.json}. The formats themselves are {@link ResultCodec}'s, shared with the reporters.
 */
public final class ResultFiles {

  public static final String JSON = "results.json";
  public static final String CSV = "results.csv";

  /** The gate outcomes of a run whose config has a {@code gates:} section. */
  public static final String GATES = "gates.json";

  private ResultFiles() {}

  /** The JSON mapper used for results and per-sample records: stable key order, NaN kept. */
  public static ObjectMapper mapper() {
    return ResultCodec.mapper();
  }

  /** A compact mapper for one-line records. */
  public static ObjectMapper lineMapper() {
    return ResultCodec.lineMapper();
  }

  public static void writeJson(RunResult result, Path runDirectory) {
    AtomicFiles.write(runDirectory.resolve(JSON), ResultCodec.json(result, true));
  }

  /** One row per task and metric: the flat view spreadsheets and pandas read. */
  public static void writeCsv(RunResult result, Path runDirectory) {
    AtomicFiles.write(runDirectory.resolve(CSV), ResultCodec.csv(result, ','));
  }

  public static void writeGates(GateReport report, Path runDirectory) {
    AtomicFiles.write(runDirectory.resolve(GATES), ResultCodec.json(report, true));
  }

  /**
   * Reads a {@code results.json} (or a run directory holding one), refusing unknown schema
   * versions.
   */
  public static RunResult read(Path fileOrRunDirectory) {
    Path file =
        Files.isDirectory(fileOrRunDirectory)
            ? fileOrRunDirectory.resolve(JSON)
            : fileOrRunDirectory;
    try {
      return ResultCodec.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (NoSuchFileException e) {
      throw new VlevalException(file + ": not found (is this a finished run directory?)");
    } catch (IOException e) {
      throw new VlevalException(file + ": cannot read: " + e.getMessage(), e);
    }
  }
}
