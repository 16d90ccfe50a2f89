package io.vleval.core.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vleval.api.error.VlevalException;
import io.vleval.api.result.MetricValue;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** Reading and writing {@code results.json} and {@code results.csv}. */
public final class ResultFiles {

  public static final String JSON = "results.json";
  public static final String CSV = "results.csv";

  private ResultFiles() {}

  /** The JSON mapper used for results and per-sample records: stable key order, NaN kept. */
  public static ObjectMapper mapper() {
    return new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /** A compact mapper for one-line records. */
  public static ObjectMapper lineMapper() {
    return new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  public static void writeJson(RunResult result, Path runDirectory) {
    try {
      AtomicFiles.write(runDirectory.resolve(JSON), mapper().writeValueAsString(result) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the run result", e);
    }
  }

  /** One row per task and metric: the flat view spreadsheets and pandas read. */
  public static void writeCsv(RunResult result, Path runDirectory) {
    StringWriter out = new StringWriter();
    try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder()
        .setHeader("run_id", "model", "task", "type", "dataset", "metric", "value", "ci_lower", "ci_upper",
            "direction", "unit", "samples", "wall_seconds", "samples_per_second")
        .get())) {
      for (TaskResult t : result.tasks()) {
        for (MetricValue m : t.metrics()) {
          csv.printRecord(result.runId(), t.model(), t.task(), t.type(), t.dataset(), m.name(), m.value(),
              m.interval() == null ? "" : m.interval().lower(), m.interval() == null ? "" : m.interval().upper(),
              m.direction().name().toLowerCase(java.util.Locale.ROOT), m.unit(), t.sampleCount(),
              t.wallSeconds(), t.samplesPerSecond());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("writing CSV to memory failed", e);
    }
    AtomicFiles.write(runDirectory.resolve(CSV), out.toString());
  }

  /** Reads a {@code results.json} (or a run directory holding one), refusing unknown schema versions. */
  public static RunResult read(Path fileOrRunDirectory) {
    Path file = Files.isDirectory(fileOrRunDirectory) ? fileOrRunDirectory.resolve(JSON) : fileOrRunDirectory;
    try {
      var tree = mapper().readTree(file.toFile());
      int version = tree.path("schemaVersion").asInt(-1);
      if (version != RunResult.SCHEMA_VERSION) {
        throw new VlevalException(file + ": schemaVersion " + version + " is not one this harness reads (expected "
            + RunResult.SCHEMA_VERSION + ")");
      }
      return mapper().treeToValue(tree, RunResult.class);
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw new VlevalException(file + ": not found (is this a finished run directory?)");
    } catch (JsonProcessingException e) {
      throw new VlevalException(file + ":" + (e.getLocation() == null ? 0 : e.getLocation().getLineNr())
          + ": not a valid results file: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new VlevalException(file + ": cannot read: " + e.getMessage(), e);
    }
  }
}
