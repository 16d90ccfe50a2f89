package io.vleval.reports.html;

import io.vleval.api.plugin.ReporterProvider;
import io.vleval.api.result.RunResult;
import io.vleval.api.spec.Doc;
import io.vleval.reports.run.FinishedRun;
import io.vleval.reports.run.OutputFiles;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code html}: writes the run's leaderboard page ({@link Leaderboard}) into the run directory,
 * optionally against a baseline run. {@code vleval leaderboard} merges several runs into one page.
 */
public final class HtmlReporterProvider implements ReporterProvider<HtmlReporterProvider.Spec> {

  /**
   * Options.
   *
   * @param baseline a baseline {@code results.json} or run directory; deltas are shown against it
   */
  public record Spec(
      @Doc("file to write, relative to the run directory or absolute (default leaderboard.html)")
          String file,
      @Doc("baseline results.json or run directory to show changes against (optional)")
          Path baseline,
      @Doc("worst samples shown per task and model (default 10, 0 for none)") Integer worstSamples,
      @Doc("page title (default: vleval leaderboard)") String title) {
    public Spec {
      file = file == null ? "leaderboard.html" : file;
      worstSamples = worstSamples == null ? 10 : worstSamples;
      if (file.isBlank()) {
        throw new IllegalArgumentException("file must not be blank");
      }
      if (worstSamples < 0) {
        throw new IllegalArgumentException(
            "worst_samples must be 0 or more, found " + worstSamples);
      }
    }
  }

  @Override
  public String type() {
    return "html";
  }

  @Override
  public String description() {
    return "a self-contained HTML leaderboard with charts, intervals and drill-downs to the worst samples";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public void report(Spec spec, RunResult result, Path runDirectory) {
    FinishedRun baseline = spec.baseline() == null ? null : FinishedRun.read(spec.baseline());
    String html =
        Leaderboard.render(
            List.of(new FinishedRun(result, runDirectory)),
            baseline,
            new Leaderboard.Options(spec.title(), spec.worstSamples()));
    OutputFiles.write(OutputFiles.resolve(runDirectory, spec.file()), html);
  }
}
