package io.vleval.reports.allure;

import static io.vleval.reports.html.Html.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.qameta.allure.AllureResultsWriteException;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.model.Attachment;
import io.qameta.allure.model.Label;
import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.Stage;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.TestResult;
import io.vleval.api.error.VlevalException;
import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.DatasetProvenance;
import io.vleval.api.result.Direction;
import io.vleval.api.result.MetricValue;
import io.vleval.api.result.ModelProvenance;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.reports.run.FinishedRun;
import io.vleval.reports.run.OutputFiles;
import io.vleval.results.GateReport;
import io.vleval.results.GateResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes a finished run as Allure results with allure-java-commons' {@link
 * FileSystemResultsWriter}: one test result per task, model and metric, so that Allure's report
 * shows every score.
 *
 * <ul>
 *   <li>labels: epic = model, feature = task, story = dataset (Allure's Behaviors tab), parent
 *       suite = run, suite = model, sub-suite = task, tag = task type;
 *   <li>status: failed when a gate on the metric failed, passed when its gates passed or it has
 *       none, broken when it is NaN and ungated; the gate messages are the status details;
 *   <li>parameters: the value, interval, sample counts, provenance, and the task's, model's and
 *       dataset's options from the run's normalized config;
 *   <li>attachments: the per-sample records ({@code samples/<model>/<task>.jsonl}, the first
 *       {@value #MAX_ATTACHMENT_BYTES} bytes), the skipped samples, and the per-category table
 *       (CSV).
 * </ul>
 *
 * Everything is derived from the run, with name-based UUIDs and the run's own timestamps, so the
 * same run always gives the same files. Text reaches Allure only as plain-text fields (which its
 * report escapes) or, in {@code descriptionHtml}, escaped with {@link
 * io.vleval.reports.html.Html#text}.
 */
public final class AllureResults {

  /**
   * Per-sample attachments are cut at this size (on a line boundary), so huge runs stay browsable.
   */
  public static final int MAX_ATTACHMENT_BYTES = 4 * 1024 * 1024;

  private AllureResults() {}

  /**
   * Writes {@code run}'s Allure results into {@code directory} (created if needed), replacing the
   * files an earlier write left there and writing beside anyone else's (see {@link ResultsFolder}).
   *
   * @param attachSamples whether to attach the per-sample records
   * @throws VlevalException when the folder holds a file vleval did not write under a name the
   *     results need; the folder is then left as it was
   */
  public static void write(FinishedRun run, Path directory, boolean attachSamples) {
    ResultsFolder folder = new ResultsFolder(directory);
    Path staging = folder.stage();
    try {
      render(run, staging, attachSamples);
      folder.publish(staging, run.result().runId());
    } catch (AllureResultsWriteException e) {
      throw new VlevalException(
          staging + ": cannot write the Allure results: " + e.getMessage(), e);
    } finally {
      ResultsFolder.discard(staging);
    }
  }

  /** Writes every result file into {@code directory}, an empty folder. */
  private static void render(FinishedRun run, Path directory, boolean attachSamples) {
    RunResult result = run.result();
    FileSystemResultsWriter writer = new FileSystemResultsWriter(directory);
    Optional<GateReport> gates = run.gates();
    JsonNode config = config(result.config());
    long runStart = epochMillis(result.startedAt());
    for (TaskResult t : result.tasks()) {
      List<Attachment> attachments = new ArrayList<>();
      if (attachSamples) {
        run.samples(t.model(), t.task())
            .ifPresent(
                f ->
                    attachments.add(
                        attach(
                            writer,
                            result,
                            t,
                            "samples",
                            f,
                            "per-sample records (samples/"
                                + t.model()
                                + "/"
                                + t.task()
                                + ".jsonl)")));
        run.errors(t.model(), t.task())
            .ifPresent(
                f ->
                    attachments.add(
                        attach(
                            writer,
                            result,
                            t,
                            "errors",
                            f,
                            "skipped samples (samples/"
                                + t.model()
                                + "/"
                                + t.task()
                                + ".errors.jsonl)")));
      }
      if (!t.categories().isEmpty()) {
        String source = id(result.runId(), "categories", t.model(), t.task()) + "-attachment.csv";
        writer.write(
            source, new ByteArrayInputStream(categoriesCsv(t).getBytes(StandardCharsets.UTF_8)));
        // text/plain, not text/csv: Allure's CSV viewer builds its table as HTML without escaping
        // the cells, so a
        // category named <script>... would run (caught by AllureReportBrowserTest); plain text is
        // shown as text
        attachments.add(
            new Attachment()
                .setName("per-category table (CSV)")
                .setType("text/plain")
                .setSource(source));
      }
      for (MetricValue m : t.metrics()) {
        writer.write(testResult(result, t, m, gates, config, runStart, attachments));
      }
    }
    OutputFiles.write(directory.resolve("environment.properties"), environment(result));
    OutputFiles.write(
        directory.resolve("categories.json"),
        """
        [
          {"name": "Regression gate failed", "matchedStatuses": ["failed"]},
          {"name": "Metric is NaN", "matchedStatuses": ["broken"]}
        ]
        """);
  }

  private static TestResult testResult(
      RunResult result,
      TaskResult t,
      MetricValue m,
      Optional<GateReport> gates,
      JsonNode config,
      long runStart,
      List<Attachment> attachments) {
    List<GateResult> mine =
        gates
            .map(
                g ->
                    g.results().stream()
                        .filter(
                            x ->
                                t.model().equals(x.model())
                                    && t.task().equals(x.task())
                                    && m.name().equals(x.metric()))
                        .toList())
            .orElse(List.of());
    Status status;
    String details = null;
    if (mine.stream().anyMatch(x -> !x.passed())) {
      status = Status.FAILED;
      details =
          String.join(
              "\n", mine.stream().filter(x -> !x.passed()).map(GateResult::message).toList());
    } else if (!mine.isEmpty()) {
      status = Status.PASSED;
      details = String.join("\n", mine.stream().map(GateResult::message).toList());
    } else if (Double.isNaN(m.value())) {
      status = Status.BROKEN;
      details = "the metric is NaN and no gate covers it";
    } else {
      status = Status.PASSED;
    }
    String value = fmt(m.value()) + (m.unit().isEmpty() ? "" : " " + m.unit());
    List<Parameter> params = new ArrayList<>();
    param(params, "value", value);
    if (m.interval() != null) {
      param(
          params,
          "interval",
          "["
              + fmt(m.interval().lower())
              + ", "
              + fmt(m.interval().upper())
              + "] ("
              + fmt(m.interval().level() * 100)
              + "%, "
              + m.interval().resamples()
              + " resamples)");
    }
    param(params, "better", m.direction() == Direction.LOWER_IS_BETTER ? "lower" : "higher");
    param(params, "samples", Long.toString(t.sampleCount()));
    param(params, "skipped samples", Long.toString(t.errorCount()));
    param(params, "task type", t.type() + " v" + t.version());
    result.provenance().models().stream()
        .filter(p -> p.name().equals(t.model()))
        .findFirst()
        .ifPresent(
            p -> {
              param(params, "model checksum", p.checksum());
              param(params, "engine", p.engine() + " on " + p.device());
            });
    result.provenance().datasets().stream()
        .filter(d -> d.name().equals(t.dataset()))
        .findFirst()
        .ifPresent(d -> param(params, "dataset fingerprint", d.fingerprint()));
    param(params, "seed", Long.toString(result.provenance().seed()));
    param(params, "harness", result.provenance().harnessVersion());
    configParameters(params, config, t);
    long start = runStart;
    return new TestResult()
        .setUuid(id(result.runId(), "result", t.model(), t.task(), m.name()))
        .setHistoryId(id("history", t.model(), t.task(), t.dataset(), m.name()))
        .setTestCaseId(id("case", t.model(), t.task(), t.dataset(), m.name()))
        .setName(t.task() + " / " + m.name() + " = " + value)
        .setFullName("vleval." + t.model() + "." + t.task() + "." + m.name())
        .setLabels(
            List.of(
                label("epic", t.model()),
                label("feature", t.task()),
                label("story", t.dataset()),
                label("parentSuite", result.name() == null ? result.runId() : result.name()),
                label("suite", t.model()),
                label("subSuite", t.task()),
                label("tag", t.type()),
                label("framework", "vleval")))
        .setParameters(params)
        .setStatus(status)
        // Allure's page inserts the status message as HTML (found by AllureReportBrowserTest):
        // escape it
        .setStatusDetails(details == null ? null : new StatusDetails().setMessage(text(details)))
        .setStage(Stage.FINISHED)
        .setDescriptionHtml(description(t, m, value, mine))
        .setAttachments(List.copyOf(attachments))
        .setStart(start)
        .setStop(start + Math.round(t.wallSeconds() * 1000));
  }

  /** An escaped summary and the per-category table; every run string goes through {@code text}. */
  private static String description(
      TaskResult t, MetricValue m, String value, List<GateResult> gates) {
    StringBuilder out = new StringBuilder();
    out.append("<p><b>")
        .append(text(m.name()))
        .append("</b> of task <b>")
        .append(text(t.task()))
        .append("</b> (")
        .append(text(t.type()))
        .append(" v")
        .append(text(t.version()))
        .append(") on model <b>")
        .append(text(t.model()))
        .append("</b>, dataset <b>")
        .append(text(t.dataset()))
        .append("</b>: <b>")
        .append(text(value))
        .append("</b>");
    if (m.interval() != null) {
      out.append(", interval [")
          .append(fmt(m.interval().lower()))
          .append(", ")
          .append(fmt(m.interval().upper()))
          .append("]");
    }
    out.append("; ")
        .append(t.sampleCount())
        .append(" samples, ")
        .append(t.errorCount())
        .append(" skipped.</p>");
    if (!gates.isEmpty()) {
      out.append("<ul>");
      for (GateResult g : gates) {
        out.append("<li>")
            .append(g.passed() ? "pass" : "FAIL")
            .append(": ")
            .append(text(g.message()))
            .append("</li>");
      }
      out.append("</ul>");
    }
    if (!t.categories().isEmpty()) {
      out.append("<table><tr><th>category</th><th>samples</th><th>")
          .append(text(m.name()))
          .append("</th></tr>");
      for (CategoryBreakdown c : t.categories()) {
        MetricValue cm =
            c.metrics().stream().filter(x -> x.name().equals(m.name())).findFirst().orElse(null);
        out.append("<tr><td>")
            .append(text(c.category()))
            .append("</td><td>")
            .append(c.sampleCount())
            .append("</td><td>")
            .append(cm == null ? "" : fmt(cm.value()))
            .append("</td></tr>");
      }
      out.append("</table>");
    }
    return out.toString();
  }

  private static Attachment attach(
      FileSystemResultsWriter writer,
      RunResult result,
      TaskResult t,
      String kind,
      Path file,
      String name) {
    String source = id(result.runId(), kind, t.model(), t.task()) + "-attachment.jsonl";
    try {
      byte[] bytes;
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(MAX_ATTACHMENT_BYTES + 1);
      }
      if (bytes.length > MAX_ATTACHMENT_BYTES) {
        int end = MAX_ATTACHMENT_BYTES;
        while (end > 0 && bytes[end - 1] != '\n') {
          end--;
        }
        bytes = Arrays.copyOf(bytes, end);
        name += ", first " + end + " bytes";
      }
      writer.write(source, new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      throw new VlevalException(
          file + ": cannot read for the Allure attachment: " + e.getMessage(), e);
    }
    return new Attachment().setName(name).setType("text/plain").setSource(source);
  }

  static String categoriesCsv(TaskResult t) {
    List<String> names = new ArrayList<>();
    for (CategoryBreakdown c : t.categories()) {
      for (MetricValue m : c.metrics()) {
        if (!names.contains(m.name())) {
          names.add(m.name());
        }
      }
    }
    List<String> header = new ArrayList<>(List.of("category", "samples"));
    header.addAll(names);
    StringWriter out = new StringWriter();
    try (CSVPrinter csv =
        new CSVPrinter(
            out, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).get())) {
      for (CategoryBreakdown c : t.categories()) {
        List<Object> row = new ArrayList<>(List.of(c.category(), c.sampleCount()));
        for (String n : names) {
          row.add(
              c.metrics().stream()
                  .filter(m -> m.name().equals(n))
                  .findFirst()
                  .map(m -> (Object) m.value())
                  .orElse(""));
        }
        csv.printRecord(row);
      }
    } catch (IOException e) {
      throw new IllegalStateException("writing CSV to memory failed", e);
    }
    return out.toString();
  }

  private static String environment(RunResult r) {
    StringBuilder out = new StringBuilder();
    property(out, "run", r.name() + " (" + r.runId() + ")");
    property(out, "vleval", r.provenance().harnessVersion());
    property(out, "java", r.provenance().javaVersion());
    property(out, "os", r.provenance().os());
    property(out, "seed", Long.toString(r.provenance().seed()));
    property(out, "config.sha256", r.configSha256());
    for (ModelProvenance m : r.provenance().models()) {
      property(
          out,
          "model." + m.name(),
          m.type() + " " + m.checksum() + " (" + m.engine() + ", " + m.device() + ")");
    }
    for (DatasetProvenance d : r.provenance().datasets()) {
      property(
          out,
          "dataset." + d.name(),
          d.type() + " " + d.fingerprint() + " (" + d.size() + " samples)");
    }
    return out.toString();
  }

  /** One line of a properties file, escaped as {@link java.util.Properties#load} reads it. */
  private static void property(StringBuilder out, String key, String value) {
    out.append(escape(key, true)).append('=').append(escape(value, false)).append('\n');
  }

  private static String escape(String s, boolean key) {
    StringBuilder out = new StringBuilder();
    for (char c : String.valueOf(s).toCharArray()) {
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '=', ':', '#', '!' -> out.append('\\').append(c);
        case ' ' -> out.append(key ? "\\ " : " ");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  private static JsonNode config(String yaml) {
    if (yaml == null || yaml.isBlank()) {
      return null;
    }
    try {
      return new YAMLMapper().readTree(yaml);
    } catch (IOException e) {
      return null; // parameters from the config are a courtesy; the results are still written
    }
  }

  private static void configParameters(List<Parameter> params, JsonNode config, TaskResult t) {
    if (config == null) {
      return;
    }
    entry(config.path("models"), t.model()).ifPresent(n -> flatten(params, "model", n));
    entry(config.path("tasks"), t.task()).ifPresent(n -> flatten(params, "task", n));
    entry(config.path("datasets"), t.dataset()).ifPresent(n -> flatten(params, "dataset", n));
  }

  private static Optional<JsonNode> entry(JsonNode list, String name) {
    for (JsonNode n : list) {
      if (name.equals(n.path("name").asText(null))) {
        return Optional.of(n);
      }
    }
    return Optional.empty();
  }

  private static void flatten(List<Parameter> params, String prefix, JsonNode node) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("name")) {
        continue;
      }
      JsonNode v = e.getValue();
      param(params, prefix + "." + e.getKey(), v.isValueNode() ? v.asText() : v.toString());
    }
  }

  private static void param(List<Parameter> params, String name, String value) {
    params.add(new Parameter().setName(name).setValue(value == null ? "" : value));
  }

  private static Label label(String name, String value) {
    return new Label().setName(name).setValue(value == null ? "" : value);
  }

  /** A stable UUID from its parts: the same run gives the same file names. */
  static String id(String... parts) {
    return UUID.nameUUIDFromBytes(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  private static long epochMillis(String instant) {
    try {
      return Instant.parse(instant).toEpochMilli();
    } catch (DateTimeParseException | NullPointerException e) {
      return 0;
    }
  }

  private static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.2f" : "%.4f", v);
  }
}
