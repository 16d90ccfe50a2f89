package io.vleval.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vleval.api.error.VlevalException;
import io.vleval.api.result.MetricValue;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.api.result.TaskTiming;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The one implementation of the {@code results.json} and {@code results.csv} formats. The runner
 * writes a run's own files with it ({@code io.vleval.core.run.ResultFiles}); the {@code json} and
 * {@code csv} reporters use it to write copies elsewhere, so the formats cannot drift apart. It
 * only renders and parses: files and atomic renames are the caller's business.
 */
public final class ResultCodec {

  /** The CSV columns, in order. */
  public static final String[] CSV_HEADER = {
    "run_id",
    "model",
    "task",
    "type",
    "dataset",
    "metric",
    "value",
    "ci_lower",
    "ci_upper",
    "direction",
    "unit",
    "samples",
    "wall_seconds",
    "samples_per_second",
    "status",
    "skipped",
    "failed",
    "protocol",
    "decode_seconds",
    "preprocess_seconds",
    "model_seconds",
    "metric_seconds",
    "samples_per_wall_second"
  };

  private ResultCodec() {}

  /**
   * The JSON mapper used for results and per-sample records: indented, NaN kept, unknown properties
   * ignored.
   */
  public static ObjectMapper mapper() {
    return new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /** A compact mapper for one-line records. */
  public static ObjectMapper lineMapper() {
    return new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /** {@code results.json}: the run, indented, ending with a newline. */
  public static String json(Object result, boolean pretty) {
    try {
      return (pretty ? mapper() : lineMapper()).writeValueAsString(result) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + result.getClass().getSimpleName(), e);
    }
  }

  /**
   * {@code results.csv}: one row per task and metric, the flat view spreadsheets and pandas read. A
   * task with no score still has its row (status {@code no_score}, metric and value empty), so the
   * file never looks complete without it.
   */
  public static String csv(RunResult result, char delimiter) {
    StringWriter out = new StringWriter();
    try (CSVPrinter csv =
        new CSVPrinter(
            out, CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setHeader(CSV_HEADER).get())) {
      for (TaskResult t : result.tasks()) {
        if (t.metrics().isEmpty()) {
          csv.printRecord(row(result, t, null));
        }
        for (MetricValue m : t.metrics()) {
          csv.printRecord(row(result, t, m));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("writing CSV to memory failed", e);
    }
    return out.toString();
  }

  /** One CSV row of a task: its metric {@code m}, or empty metric columns when {@code null}. */
  private static Object[] row(RunResult result, TaskResult t, MetricValue m) {
    boolean ci = m != null && m.interval() != null;
    TaskTiming time = t.timing();
    return new Object[] {
      result.runId(),
      t.model(),
      t.task(),
      t.type(),
      t.dataset(),
      m == null ? "" : m.name(),
      m == null ? "" : m.value(),
      ci ? m.interval().lower() : "",
      ci ? m.interval().upper() : "",
      m == null ? "" : m.direction().name().toLowerCase(Locale.ROOT),
      m == null ? "" : m.unit(),
      t.sampleCount(),
      t.wallSeconds(),
      t.samplesPerSecond(),
      t.status().name().toLowerCase(Locale.ROOT),
      t.skippedCount(),
      t.failedCount(),
      t.protocol() == null ? "" : t.protocol(),
      time == null ? "" : time.decodeSeconds(),
      time == null ? "" : time.preprocessSeconds(),
      time == null ? "" : time.modelSeconds(),
      time == null ? "" : time.metricSeconds(),
      time == null ? "" : time.samplesPerWallSecond()
    };
  }

  /**
   * Reads the text of a {@code results.json}, or of the one in a run directory.
   *
   * @return the file read and its text
   * @throws VlevalException when the file is missing or cannot be read, naming it
   */
  public static ResultsText readText(Path fileOrRunDirectory) {
    Path file =
        Files.isDirectory(fileOrRunDirectory)
            ? fileOrRunDirectory.resolve("results.json")
            : fileOrRunDirectory;
    try {
      return new ResultsText(file, Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new VlevalException(file + ": not found (is this a finished run directory?)");
    } catch (IOException e) {
      throw new VlevalException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * A results file's text.
   *
   * @param file the file it was read from
   * @param json its content
   */
  public record ResultsText(Path file, String json) {}

  /**
   * Parses {@code results.json} text, refusing a {@code schemaVersion} this harness does not know.
   *
   * @param source names the text in messages (its file)
   */
  public static RunResult parse(String json, String source) {
    try {
      JsonNode tree = mapper().readTree(json);
      int version = tree == null ? -1 : tree.path("schemaVersion").asInt(-1);
      if (version != RunResult.SCHEMA_VERSION) {
        throw new VlevalException(
            source
                + ": schemaVersion "
                + version
                + " is not one this harness reads (expected "
                + RunResult.SCHEMA_VERSION
                + ")");
      }
      return mapper().treeToValue(tree, RunResult.class);
    } catch (JsonProcessingException e) {
      throw new VlevalException(
          source
              + ":"
              + (e.getLocation() == null ? 0 : e.getLocation().getLineNr())
              + ": not a valid results file: "
              + e.getOriginalMessage());
    }
  }
}
