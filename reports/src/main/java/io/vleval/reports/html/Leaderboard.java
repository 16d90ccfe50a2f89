package io.vleval.reports.html;

import static io.vleval.reports.html.Html.text;

import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.DatasetProvenance;
import io.vleval.api.result.Direction;
import io.vleval.api.result.MetricValue;
import io.vleval.api.result.ModelProvenance;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.api.result.TaskTiming;
import io.vleval.reports.run.FinishedRun;
import io.vleval.reports.run.SampleRecords;
import io.vleval.reports.run.SampleView;
import io.vleval.results.GateReport;
import io.vleval.results.GateResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Renders the leaderboard page: one self-contained HTML file (no external scripts, styles, fonts or
 * images; a Content-Security-Policy that allows only its own inline script and style, by hash) with
 *
 * <ul>
 *   <li>a table of models (one row per model of each run) by tasks, each cell the task's headline
 *       metric with its confidence interval and its change against a baseline run; columns sort on
 *       a click;
 *   <li>one inline-SVG bar chart per task, with interval whiskers;
 *   <li>a drill-down per cell: every metric, the gates, the per-category table, and the worst
 *       samples with predictions and references (read with {@link SampleRecords});
 *   <li>each run's provenance.
 * </ul>
 *
 * It only renders: every number comes from the runs' results. Every string from a run is escaped
 * with {@link Html#text}.
 */
public final class Leaderboard {

  /** The protocol name of a score obtained as the reference evaluation code obtains it. */
  private static final String REFERENCE = "reference";

  /**
   * How to render.
   *
   * @param title the page's heading
   * @param worstSamples how many of the worst samples each drill-down shows (0: none)
   */
  public record Options(String title, int worstSamples) {
    public static final Options DEFAULT = new Options("vleval leaderboard", 10);

    public Options {
      title = title == null || title.isBlank() ? DEFAULT_TITLE : title;
      if (worstSamples < 0) {
        throw new IllegalArgumentException("worstSamples must be 0 or more, got " + worstSamples);
      }
    }
  }

  private static final String DEFAULT_TITLE = "vleval leaderboard";
  private static final String SCRIPT = resource("leaderboard.js");
  private static final String STYLE = resource("leaderboard.css");

  private Leaderboard() {}

  /** One row: a model of a run. */
  private record Row(String id, FinishedRun run, String model, String modelType, boolean showRun) {}

  /** One column: a task name, with the headline metric of its first appearance. */
  private record Column(
      String task, String headline, String unit, Direction direction, String dataset) {}

  /**
   * Renders {@code runs} (any number, in order) against {@code baseline}.
   *
   * @param baseline the run deltas are measured against, or {@code null}
   */
  public static String render(List<FinishedRun> runs, FinishedRun baseline, Options options) {
    boolean manyRuns = runs.size() > 1;
    List<Row> rows = new ArrayList<>();
    Map<String, Column> columns = new LinkedHashMap<>();
    for (FinishedRun run : runs) {
      Set<String> models = new LinkedHashSet<>();
      run.result().provenance().models().forEach(m -> models.add(m.name()));
      run.result().tasks().forEach(t -> models.add(t.model()));
      for (String m : models) {
        String type =
            run.result().provenance().models().stream()
                .filter(p -> p.name().equals(m))
                .map(ModelProvenance::type)
                .findFirst()
                .orElse("");
        rows.add(new Row("r" + rows.size(), run, m, type, manyRuns));
      }
      for (TaskResult t : run.result().tasks()) {
        MetricValue h = headline(t);
        columns.putIfAbsent(
            t.task(),
            new Column(
                t.task(),
                t.headline(),
                h == null ? "" : h.unit(),
                h == null ? Direction.HIGHER_IS_BETTER : h.direction(),
                t.dataset()));
      }
    }
    List<Column> cols = new ArrayList<>(columns.values());
    StringBuilder out = new StringBuilder(64 * 1024);
    head(out, options.title());
    out.append("<body>\n<header><h1>")
        .append(text(options.title()))
        .append("</h1>\n<p class=\"sub\">")
        .append(runs.size())
        .append(runs.size() == 1 ? " run" : " runs")
        .append(", ")
        .append(rows.size())
        .append(rows.size() == 1 ? " model" : " models")
        .append(", ")
        .append(cols.size())
        .append(cols.size() == 1 ? " task" : " tasks");
    if (baseline != null) {
      out.append("; changes against the baseline run ").append(text(label(baseline.result())));
    }
    out.append(". Click a column to sort it, a score to see its details.</p></header>\n<main>\n");
    board(out, rows, cols, baseline);
    charts(out, rows, cols);
    out.append("<section id=\"details\" aria-label=\"details\">\n");
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < cols.size(); c++) {
        TaskResult t = task(rows.get(r).run().result(), rows.get(r).model(), cols.get(c).task());
        if (t != null) {
          drill(out, "d-" + r + "-" + c, rows.get(r), t, baseline, options);
        }
      }
    }
    out.append("</section>\n");
    provenance(out, runs, baseline);
    out.append("</main>\n<footer>Written by vleval from ")
        .append(runs.size())
        .append(runs.size() == 1 ? " run" : " runs")
        .append(
            ". This page is self-contained: it loads nothing from the network.</footer>\n<script>")
        .append(SCRIPT)
        .append("</script>\n</body>\n</html>\n");
    return out.toString();
  }

  private static void head(StringBuilder out, String title) {
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src ")
        .append(Html.cspHash(SCRIPT))
        .append("; style-src ")
        .append(Html.cspHash(STYLE))
        .append("; img-src data:; base-uri 'none'; form-action 'none'\">\n")
        .append("<meta name=\"referrer\" content=\"no-referrer\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        .append(text(title))
        .append("</title>\n<style>")
        .append(STYLE)
        .append("</style>\n</head>\n");
  }

  private static void board(
      StringBuilder out, List<Row> rows, List<Column> cols, FinishedRun baseline) {
    out.append(
            "<section id=\"board\">\n"
                // a wide board (many tasks) scrolls sideways inside this box, never the page
                + "<div class=\"table-box\" role=\"region\" aria-label=\"scores\" tabindex=\"0\">\n"
                + "<table class=\"sortable board\" id=\"leaderboard\">\n<thead><tr>")
        .append(
            "<th scope=\"col\" data-type=\"text\"><button type=\"button\" class=\"sort\">model</button></th>");
    boolean manyRuns = rows.stream().anyMatch(Row::showRun);
    if (manyRuns) {
      out.append(
          "<th scope=\"col\" data-type=\"text\"><button type=\"button\" class=\"sort\">run</button></th>");
    }
    for (Column c : cols) {
      out.append("<th scope=\"col\" class=\"num\" data-type=\"num\" data-better=\"")
          .append(c.direction() == Direction.LOWER_IS_BETTER ? "lower" : "higher")
          .append("\"><button type=\"button\" class=\"sort\">")
          .append(text(c.task()))
          .append("<span class=\"metric\">")
          .append(text(c.headline()))
          .append(c.unit().isEmpty() ? "" : " (" + text(c.unit()) + ")")
          .append(c.direction() == Direction.LOWER_IS_BETTER ? ", lower is better" : "")
          .append(" on <span class=\"nowrap\">")
          .append(text(c.dataset()))
          .append("</span></span></button></th>");
    }
    out.append("</tr></thead>\n<tbody>\n");
    for (int r = 0; r < rows.size(); r++) {
      Row row = rows.get(r);
      out.append("<tr><th scope=\"row\" data-s=\"")
          .append(text(row.model()))
          .append("\">")
          .append(text(row.model()))
          .append("<small>")
          .append(text(row.modelType()))
          .append("</small></th>");
      if (manyRuns) {
        out.append("<td data-s=\"")
            .append(text(label(row.run().result())))
            .append("\">")
            .append(text(label(row.run().result())))
            .append("<small>")
            .append(text(row.run().result().finishedAt()))
            .append("</small></td>");
      }
      Optional<GateReport> gates = row.run().gates();
      for (int c = 0; c < cols.size(); c++) {
        TaskResult t = task(row.run().result(), row.model(), cols.get(c).task());
        MetricValue m = t == null ? null : headline(t);
        if (m == null) {
          out.append("<td class=\"empty\" data-v=\"\">\u2014</td>");
          continue;
        }
        out.append("<td class=\"num\" data-v=\"")
            .append(Double.isNaN(m.value()) ? "NaN" : Double.toString(m.value()))
            .append(
                "\"><button type=\"button\" class=\"cell\" aria-expanded=\"false\" aria-controls=\"d-")
            .append(r)
            .append('-')
            .append(c)
            .append("\"><span class=\"v\">")
            .append(fmt(m.value(), m.unit()))
            .append("</span>");
        if (m.interval() != null) {
          out.append("<span class=\"ci\">[")
              .append(fmt(m.interval().lower(), m.unit()))
              .append(", ")
              .append(fmt(m.interval().upper(), m.unit()))
              .append("]</span>");
        }
        if (t.protocol() != null) {
          // which protocol gave the score: the reference's, or a named faster variant
          out.append("<span class=\"proto")
              .append(REFERENCE.equals(t.protocol()) ? "" : " variant")
              .append("\">")
              .append(text(t.protocol()))
              .append("</span>");
        }
        MetricValue base = baselineMetric(baseline, t, m.name());
        if (base != null) {
          out.append(delta(m, base));
        }
        List<GateResult> failed =
            gates
                .map(
                    g ->
                        g.results().stream()
                            .filter(
                                x ->
                                    !x.passed()
                                        && row.model().equals(x.model())
                                        && t.task().equals(x.task()))
                            .toList())
                .orElse(List.of());
        if (!failed.isEmpty()) {
          out.append("<span class=\"gate-fail\">gate failed</span>");
        }
        out.append("</button></td>");
      }
      out.append("</tr>\n");
    }
    out.append("</tbody>\n</table>\n</div>\n</section>\n");
  }

  private static String delta(MetricValue m, MetricValue base) {
    if (Double.isNaN(m.value()) || Double.isNaN(base.value())) {
      return "<span class=\"delta same\">\u0394 n/a</span>";
    }
    double d = m.value() - base.value();
    boolean better = m.direction() == Direction.LOWER_IS_BETTER ? d < 0 : d > 0;
    String cls = Math.abs(d) < 1e-12 ? "same" : better ? "up" : "down";
    String sign = d > 0 ? "+" : d < 0 ? "\u2212" : "\u00b1";
    return "<span class=\"delta "
        + cls
        + "\" title=\"against the baseline's "
        + fmt(base.value(), m.unit())
        + "\">"
        + sign
        + fmt(Math.abs(d), m.unit())
        + "</span>";
  }

  private static void charts(StringBuilder out, List<Row> rows, List<Column> cols) {
    out.append("<section id=\"charts\">\n<h2>By task</h2>\n<div class=\"charts\">\n");
    for (Column c : cols) {
      List<String> labels = new ArrayList<>();
      List<MetricValue> values = new ArrayList<>();
      for (Row row : rows) {
        TaskResult t = task(row.run().result(), row.model(), c.task());
        MetricValue m = t == null ? null : headline(t);
        if (m != null) {
          labels.add(
              row.showRun() ? row.model() + " (" + label(row.run().result()) + ")" : row.model());
          values.add(m);
        }
      }
      out.append(BarChart.svg(c.task() + ": " + c.headline(), labels, values));
    }
    out.append("</div>\n</section>\n");
  }

  private static void drill(
      StringBuilder out, String id, Row row, TaskResult t, FinishedRun baseline, Options options) {
    RunResult run = row.run().result();
    out.append("<section class=\"drill\" id=\"")
        .append(id)
        .append("\" hidden>\n")
        .append("<button type=\"button\" class=\"close\">close</button>\n<h3>")
        .append(text(t.task()))
        .append(" on ")
        .append(text(row.model()))
        .append("</h3>\n<p class=\"meta\">task type ")
        .append(text(t.type()))
        .append(" (version ")
        .append(text(t.version()))
        .append(t.protocol() == null ? "" : ", protocol " + text(t.protocol()))
        .append("), dataset ")
        .append(text(t.dataset()))
        .append(", run ")
        .append(text(label(run)))
        .append("; ")
        .append(t.sampleCount())
        .append(" samples, ")
        .append(t.errorCount())
        .append(" skipped, ")
        .append(
            String.format(
                Locale.ROOT, "%.1f s, %.1f samples/s", t.wallSeconds(), t.samplesPerSecond()))
        .append(timing(t))
        .append("</p>\n");
    out.append("<table class=\"sortable\"><thead><tr>")
        .append(th("metric", "text"))
        .append(th("value", "num"))
        .append(th("95% interval", "text"))
        .append(baseline != null ? th("baseline", "num") + th("change", "num") : "")
        .append(th("better", "text"))
        .append("</tr></thead>\n<tbody>\n");
    for (MetricValue m : t.metrics()) {
      out.append("<tr><td>")
          .append(text(m.name()))
          .append(m.name().equals(t.headline()) ? " <small>headline</small>" : "")
          .append("</td><td class=\"num\" data-v=\"")
          .append(num(m.value()))
          .append("\">")
          .append(fmt(m.value(), m.unit()))
          .append(text(m.unit().isEmpty() ? "" : " " + m.unit()))
          .append("</td><td>")
          .append(
              m.interval() == null
                  ? ""
                  : "["
                      + fmt(m.interval().lower(), m.unit())
                      + ", "
                      + fmt(m.interval().upper(), m.unit())
                      + "] <small>"
                      + m.interval().resamples()
                      + " resamples</small>")
          .append("</td>");
      if (baseline != null) {
        MetricValue b = baselineMetric(baseline, t, m.name());
        out.append("<td class=\"num\" data-v=\"")
            .append(b == null ? "" : num(b.value()))
            .append("\">")
            .append(b == null ? "\u2014" : fmt(b.value(), b.unit()))
            .append("</td><td class=\"num\" data-v=\"")
            .append(b == null ? "" : num(m.value() - b.value()))
            .append("\">")
            .append(b == null ? "" : delta(m, b))
            .append("</td>");
      }
      out.append("<td>")
          .append(m.direction() == Direction.LOWER_IS_BETTER ? "lower" : "higher")
          .append("</td></tr>\n");
    }
    out.append("</tbody></table>\n");
    row.run()
        .gates()
        .ifPresent(
            g -> {
              List<GateResult> mine =
                  g.results().stream()
                      .filter(x -> row.model().equals(x.model()) && t.task().equals(x.task()))
                      .toList();
              if (!mine.isEmpty()) {
                out.append("<h4>Gates</h4>\n<ul>\n");
                for (GateResult x : mine) {
                  out.append("<li><span class=\"")
                      .append(x.passed() ? "gate-pass\">pass" : "gate-fail\">FAIL")
                      .append("</span> ")
                      .append(text(x.metric()))
                      .append(": ")
                      .append(text(x.message()))
                      .append("</li>\n");
                }
                out.append("</ul>\n");
              }
            });
    categories(out, t);
    samples(out, row, t, options);
    out.append("</section>\n");
  }

  private static void categories(StringBuilder out, TaskResult t) {
    if (t.categories().isEmpty()) {
      return;
    }
    List<String> names = new ArrayList<>();
    for (CategoryBreakdown c : t.categories()) {
      c.metrics()
          .forEach(
              m -> {
                if (!names.contains(m.name())) {
                  names.add(m.name());
                }
              });
    }
    out.append("<h4>By category (")
        .append(t.categories().size())
        .append(")</h4>\n<table class=\"sortable\"><thead><tr>")
        .append(th("category", "text"))
        .append(th("samples", "num"));
    for (String n : names) {
      out.append(th(n, "num"));
    }
    out.append("</tr></thead>\n<tbody>\n");
    for (CategoryBreakdown c : t.categories()) {
      out.append("<tr><td>")
          .append(text(c.category()))
          .append("</td><td class=\"num\" data-v=\"")
          .append(c.sampleCount())
          .append("\">")
          .append(c.sampleCount())
          .append("</td>");
      for (String n : names) {
        MetricValue m =
            c.metrics().stream().filter(x -> x.name().equals(n)).findFirst().orElse(null);
        out.append("<td class=\"num\" data-v=\"")
            .append(m == null ? "" : num(m.value()))
            .append("\">")
            .append(m == null ? "" : fmt(m.value(), m.unit()))
            .append("</td>");
      }
      out.append("</tr>\n");
    }
    out.append("</tbody></table>\n");
  }

  private static void samples(StringBuilder out, Row row, TaskResult t, Options options) {
    if (options.worstSamples() == 0) {
      return;
    }
    Optional<Path> file = row.run().samples(row.model(), t.task());
    if (file.isEmpty()) {
      out.append("<p class=\"meta\">No per-sample records: ")
          .append(
              row.run().directory() == null
                  ? "the run was read from a results file without its run directory."
                  : "the run directory has no samples file for this task.")
          .append("</p>\n");
      return;
    }
    SampleRecords.Summary s = SampleRecords.worst(file.get(), options.worstSamples());
    out.append("<h4>")
        .append(s.ranked() ? "Worst " : "First ")
        .append(s.worst().size())
        .append(" of ")
        .append(s.total())
        .append(" samples");
    if (s.incorrect() > 0) {
      out.append(" (").append(s.incorrect()).append(" incorrect)");
    }
    out.append("</h4>\n");
    if (s.unreadable() > 0) {
      out.append("<p class=\"meta\">")
          .append(s.unreadable())
          .append(" unreadable lines skipped.</p>\n");
    }
    out.append("<table class=\"sortable samples\"><thead><tr>")
        .append(th("line", "num"))
        .append(th("sample", "text"))
        .append(th("prediction", "text"))
        .append(th("reference", "text"))
        .append(th("correct", "text"))
        .append(th("score", "num"))
        .append(th("other fields", "text"))
        .append("</tr></thead>\n<tbody>\n");
    for (SampleView v : s.worst()) {
      out.append("<tr><td class=\"num\" data-v=\"")
          .append(v.line())
          .append("\">")
          .append(v.line())
          .append("</td><td class=\"mono\">")
          .append(text(v.id()))
          .append("</td><td class=\"text\">")
          .append(text(v.prediction()))
          .append("</td><td class=\"text\">")
          .append(text(v.reference()))
          .append("</td><td>")
          .append(
              v.correct() == null
                  ? ""
                  : v.correct()
                      ? "<span class=\"right\">yes</span>"
                      : "<span class=\"wrong\">no</span>")
          .append("</td><td class=\"num\" data-v=\"")
          .append(v.score() == null ? "" : num(v.score()))
          .append("\">")
          .append(v.score() == null ? "" : fmt(v.score(), ""))
          .append("</td><td class=\"other\">")
          .append(text(v.other()))
          .append("</td></tr>\n");
    }
    out.append("</tbody></table>\n");
  }

  private static void provenance(StringBuilder out, List<FinishedRun> runs, FinishedRun baseline) {
    out.append("<section id=\"runs\">\n<h2>Runs</h2>\n");
    List<FinishedRun> all = new ArrayList<>(runs);
    if (baseline != null) {
      all.add(baseline);
    }
    for (int i = 0; i < all.size(); i++) {
      RunResult r = all.get(i).result();
      out.append("<h3>")
          .append(text(label(r)))
          .append(i == runs.size() ? " <small>baseline</small>" : "")
          .append("</h3>\n<p class=\"meta\">run id <span class=\"mono\">")
          .append(text(r.runId()))
          .append("</span>, ")
          .append(text(r.startedAt()))
          .append(" to ")
          .append(text(r.finishedAt()))
          .append("; vleval ")
          .append(text(r.provenance().harnessVersion()))
          .append(", ")
          .append(text(r.provenance().javaVersion()))
          .append(", ")
          .append(text(r.provenance().os()))
          .append(", seed ")
          .append(r.provenance().seed())
          .append(", config sha256 <span class=\"mono\">")
          .append(text(r.configSha256()))
          .append("</span></p>\n");
      out.append(
          "<table><thead><tr><th>model</th><th>type</th><th>checksum</th><th>engine</th><th>device</th></tr></thead><tbody>\n");
      for (ModelProvenance m : r.provenance().models()) {
        out.append("<tr><td>")
            .append(text(m.name()))
            .append("</td><td>")
            .append(text(m.type()))
            .append("</td><td class=\"mono\">")
            .append(text(m.checksum()))
            .append("</td><td>")
            .append(text(m.engine()))
            .append("</td><td>")
            .append(text(m.device()))
            .append("</td></tr>\n");
      }
      out.append(
              "</tbody></table>\n<table><thead><tr><th>dataset</th><th>type</th><th>fingerprint</th><th>size</th>")
          .append("<th>location</th><th>warnings</th></tr></thead><tbody>\n");
      for (DatasetProvenance d : r.provenance().datasets()) {
        out.append("<tr><td>")
            .append(text(d.name()))
            .append("</td><td>")
            .append(text(d.type()))
            .append("</td><td class=\"mono\">")
            .append(text(d.fingerprint()))
            .append("</td><td class=\"num\">")
            .append(d.size())
            .append("</td><td class=\"mono\">")
            .append(text(d.location()))
            .append("</td><td>")
            .append(text(String.join("; ", d.warnings())))
            .append("</td></tr>\n");
      }
      out.append("</tbody></table>\n");
    }
    out.append("</section>\n");
  }

  private static String th(String label, String type) {
    return "<th scope=\"col\" data-type=\""
        + type
        + "\""
        + ("num".equals(type) ? " class=\"num\"" : "")
        + "><button type=\"button\" class=\"sort\">"
        + text(label)
        + "</button></th>";
  }

  static MetricValue headline(TaskResult t) {
    return t.metrics().stream()
        .filter(m -> m.name().equals(t.headline()))
        .findFirst()
        .orElse(t.metrics().isEmpty() ? null : t.metrics().get(0));
  }

  private static TaskResult task(RunResult run, String model, String task) {
    return run.tasks().stream()
        .filter(t -> t.model().equals(model) && t.task().equals(task))
        .findFirst()
        .orElse(null);
  }

  private static MetricValue baselineMetric(FinishedRun baseline, TaskResult t, String metric) {
    if (baseline == null) {
      return null;
    }
    TaskResult b = task(baseline.result(), t.model(), t.task());
    return b == null
        ? null
        : b.metrics().stream().filter(m -> m.name().equals(metric)).findFirst().orElse(null);
  }

  private static String label(RunResult r) {
    return r.name() == null || r.name().isBlank() ? r.runId() : r.name() + " \u00b7 " + r.runId();
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "NaN" : Double.toString(v);
  }

  /** Two decimals for percentages and large values, four for the rest. */
  static String fmt(double v, String unit) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "\u221e" : "\u2212\u221e";
    }
    return String.format(Locale.ROOT, "%".equals(unit) || Math.abs(v) >= 10 ? "%.2f" : "%.4f", v);
  }

  private static String resource(String name) {
    try (InputStream in = Leaderboard.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "missing resource " + name + " next to " + Leaderboard.class.getName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the task's wall time went, when the result records it. */
  private static String timing(TaskResult t) {
    TaskTiming time = t.timing();
    if (time == null) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "; time: decode %.1f s, preprocess %.1f s, model %.1f s (%.1f%% of the wall time),"
            + " metrics %.1f s",
        time.decodeSeconds(),
        time.preprocessSeconds(),
        time.modelSeconds(),
        100 * time.modelShare(t.wallSeconds()),
        time.metricSeconds());
  }
}
