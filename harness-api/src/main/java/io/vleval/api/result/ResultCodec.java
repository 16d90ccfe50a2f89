package io.vleval.api.result;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vleval.api.error.VlevalException;
import java.io.IOException;
import java.io.StringWriter;
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
    "failed"
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
        String status = t.status().name().toLowerCase(Locale.ROOT);
        if (t.metrics().isEmpty()) {
          csv.printRecord(
              result.runId(),
              t.model(),
              t.task(),
              t.type(),
              t.dataset(),
              "",
              "",
              "",
              "",
              "",
              "",
              t.sampleCount(),
              t.wallSeconds(),
              t.samplesPerSecond(),
              status,
              t.skippedCount(),
              t.failedCount());
        }
        for (MetricValue m : t.metrics()) {
          csv.printRecord(
              result.runId(),
              t.model(),
              t.task(),
              t.type(),
              t.dataset(),
              m.name(),
              m.value(),
              m.interval() == null ? "" : m.interval().lower(),
              m.interval() == null ? "" : m.interval().upper(),
              m.direction().name().toLowerCase(Locale.ROOT),
              m.unit(),
              t.sampleCount(),
              t.wallSeconds(),
              t.samplesPerSecond(),
              status,
              t.skippedCount(),
              t.failedCount());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("writing CSV to memory failed", e);
    }
    return out.toString();
  }

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
