package io.vleval.cli;

import io.vleval.api.error.VlevalException;
import io.vleval.reports.allure.AllureReport;
import io.vleval.reports.allure.AllureResults;
import io.vleval.reports.run.FinishedRun;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vleval report}: renders reports of a finished run. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "Render reports of a finished run.",
    subcommands = ReportCommand.Allure.class)
final class ReportCommand implements Runnable {

  @ParentCommand VlevalCommand parent;
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(parent.console.out());
  }

  /** {@code vleval report allure RUN_DIR}: Allure results, then Allure's HTML report. */
  @Command(
      name = "allure",
      mixinStandardHelpOptions = true,
      description = {
        "Write the run's Allure results (RUN_DIR/allure-results) and render Allure's HTML report",
        "with Allure's own generator, unpacked at build time (never downloaded at run time)."
      })
  static final class Allure implements Callable<Integer> {
    @ParentCommand ReportCommand report;
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A finished run directory.")
    Path runDir;

    @Option(
        names = {"-o", "--out"},
        paramLabel = "DIR",
        description = "Report folder (default: RUN_DIR/allure-report).")
    Path out;

    @Option(
        names = "--single-file",
        description = "One self-contained index.html instead of a folder.")
    boolean singleFile;

    @Override
    public Integer call() {
      Path home =
          AllureReport.locate(candidates())
              .orElseThrow(
                  () ->
                      new VlevalException(
                          "Allure's command-line generator is not unpacked: build with 'mvn -B package -DskipTests' (it unpacks"
                              + " io.qameta.allure:allure-commandline into harness-cli/target/allure-commandline), or set"
                              + " VLEVAL_ALLURE_HOME to an unpacked allure-commandline folder"));
      FinishedRun run = FinishedRun.read(runDir);
      Path results = run.directory().resolve(AllureReport.RESULTS_FOLDER);
      AllureResults.write(run, results, true);
      Path target = out != null ? out : run.directory().resolve(AllureReport.REPORT_FOLDER);
      Path index = new AllureReport(home).generate(results, target, singleFile);
      report.parent.console.out().println("wrote " + index + " (from " + results + ")");
      return ExitCode.OK;
    }

    /**
     * Where the generator may be: a property, the environment, then beside this jar (or classes
     * folder).
     */
    static List<Path> candidates() {
      List<Path> out = new ArrayList<>();
      String prop = System.getProperty("vleval.allure.home");
      if (prop != null && !prop.isBlank()) {
        out.add(Path.of(prop));
      }
      String env = System.getenv("VLEVAL_ALLURE_HOME");
      if (env != null && !env.isBlank()) {
        out.add(Path.of(env));
      }
      try {
        Path code =
            Path.of(
                ReportCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path parent = code.toAbsolutePath().getParent();
        if (parent != null) {
          out.add(parent.resolve("allure-commandline"));
        }
      } catch (URISyntaxException | SecurityException | NullPointerException e) {
        // no code source: only the property and the environment are looked at
      }
      return out.stream().filter(Files::isDirectory).toList();
    }
  }
}
