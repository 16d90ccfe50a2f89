package io.vleval.reports.allure;

import io.vleval.api.plugin.ReporterProvider;
import io.vleval.api.result.RunResult;
import io.vleval.api.spec.Doc;
import io.vleval.reports.run.FinishedRun;
import java.nio.file.Path;

/**
 * {@code allure}: writes the run as Allure results ({@link AllureResults}); {@code vleval report
 * allure RUN_DIR} renders them into Allure's HTML report.
 */
public final class AllureReporterProvider implements ReporterProvider<AllureReporterProvider.Spec> {

  /**
   * Options.
   *
   * @param directory the Allure results folder, relative to the run directory or absolute
   * @param samples whether to attach the per-sample records
   */
  public record Spec(
      @Doc(
              "Allure results folder, relative to the run directory or absolute (default allure-results)")
          String directory,
      @Doc("attach the per-sample records to each result (default true)") Boolean samples) {
    public Spec {
      directory = directory == null ? AllureReport.RESULTS_FOLDER : directory;
      samples = samples == null || samples;
      if (directory.isBlank()) {
        throw new IllegalArgumentException("directory must not be blank");
      }
    }
  }

  @Override
  public String type() {
    return "allure";
  }

  @Override
  public String description() {
    return "Allure results: one test per task, model and metric, gate status, per-sample attachments";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public void report(Spec spec, RunResult result, Path runDirectory) {
    AllureResults.write(
        new FinishedRun(result, runDirectory),
        runDirectory.resolve(spec.directory()),
        spec.samples());
  }
}
