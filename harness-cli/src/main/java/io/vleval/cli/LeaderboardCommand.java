package io.vleval.cli;

import io.vleval.reports.html.Leaderboard;
import io.vleval.reports.run.FinishedRun;
import io.vleval.reports.run.OutputFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vleval leaderboard}: one self-contained HTML page from any number of runs. */
@Command(
    name = "leaderboard",
    mixinStandardHelpOptions = true,
    description = {
      "Merge finished runs into one self-contained HTML leaderboard: models x tasks, intervals,",
      "changes against a baseline, a chart per task, drill-downs to categories and worst samples."
    })
final class LeaderboardCommand implements Callable<Integer> {

  @ParentCommand VlevalCommand parent;
  @Mixin CommonOptions common;

  @Parameters(
      arity = "1..*",
      paramLabel = "RUN",
      description = "Run directories (or results.json files).")
  List<Path> runs;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "FILE",
      description = "The HTML file to write.")
  Path out;

  @Option(
      names = "--baseline",
      paramLabel = "RUN_OR_FILE",
      description = "Show changes against this run.")
  Path baseline;

  @Option(
      names = "--worst",
      defaultValue = "10",
      paramLabel = "N",
      description = "Worst samples per drill-down (default ${DEFAULT-VALUE}; 0 for none).")
  int worst;

  @Option(names = "--title", defaultValue = "vleval leaderboard", description = "The page title.")
  String title;

  @Override
  public Integer call() {
    if (worst < 0) {
      parent.console.err().println("error: --worst must be 0 or more, got " + worst);
      return ExitCode.USER_ERROR;
    }
    List<FinishedRun> finished = new ArrayList<>();
    for (Path r : runs) {
      finished.add(FinishedRun.read(r));
    }
    FinishedRun base = baseline == null ? null : FinishedRun.read(baseline);
    OutputFiles.write(
        out, Leaderboard.render(finished, base, new Leaderboard.Options(title, worst)));
    parent
        .console
        .out()
        .println(
            "wrote "
                + out
                + " ("
                + finished.size()
                + (finished.size() == 1 ? " run" : " runs")
                + (base == null ? "" : ", against baseline " + baseline)
                + ")");
    return ExitCode.OK;
  }
}
