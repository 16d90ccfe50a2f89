package io.vleval.cli;

import io.vleval.api.config.RunConfig;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.core.config.ConfigLoader;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.core.run.RemoteEngine;
import io.vleval.core.run.RemoteEngineProvider;
import io.vleval.core.run.RunOptions;
import io.vleval.core.run.RunOutcome;
import io.vleval.core.run.Runner;
import io.vleval.reports.junit.GateJUnitXml;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vleval run CONFIG}: validates, runs every task on every model, writes the run directory.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a config: validate it, evaluate each task on each model, write the run directory",
      "(config.yaml, samples/, results.json, results.csv, reporter outputs). With a gates: section it",
      "also writes gates.json and gates.xml (JUnit) and exits 1 when a gate fails. A task with no",
      "scorable sample (all unreadable or failed under on_error: skip) is recorded with status",
      "NO_SCORE and makes the run exit 2."
    })
final class RunCommand implements Callable<Integer> {

  @ParentCommand VlevalCommand parent;
  @Mixin CommonOptions common;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "The run's YAML file.")
  Path config;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      description = "The run directory (default: <run.out>/<run.name>-<timestamp>).")
  Path out;

  @Option(
      names = "--resume",
      description = "Continue the interrupted run in --out from its per-sample records.")
  boolean resume;

  @Option(
      names = "--engine",
      paramLabel = "NAME",
      defaultValue = "local",
      description = {
        "Where per-sample work runs: local (this process, the default) or spark (the executors of",
        "a Spark cluster; records, scores and --resume are the same)."
      })
  String engine;

  @Option(
      names = "--master",
      paramLabel = "URL",
      description = {
        "With --engine spark: the Spark master, e.g. local[2] or spark://HOST:7077 (default: the",
        "spark.master that spark-submit sets, else local[*])."
      })
  String master;

  /** The engine named {@code name}, found by {@link ServiceLoader}, or {@code null}. */
  private static RemoteEngineProvider remoteEngine(String name) {
    for (RemoteEngineProvider p :
        ServiceLoader.load(
            RemoteEngineProvider.class, Thread.currentThread().getContextClassLoader())) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    return null;
  }

  @Override
  public Integer call() {
    Console console = parent.console;
    if (resume && out == null) {
      console.err().println("error: --resume needs --out DIR naming the interrupted run directory");
      return ExitCode.USER_ERROR;
    }
    if (master != null && "local".equals(engine)) {
      console.err().println("error: --master " + master + " needs --engine spark");
      return ExitCode.USER_ERROR;
    }
    PluginRegistry registry =
        PluginRegistry.discover(Thread.currentThread().getContextClassLoader());
    RunConfig runConfig = new ConfigLoader(registry).load(config);
    RunOutcome outcome;
    if ("local".equals(engine)) {
      outcome =
          new Runner(registry, new ProgressPrinter(console))
              .execute(runConfig, new RunOptions(out, resume));
    } else {
      RemoteEngineProvider provider = remoteEngine(engine);
      if (provider == null) {
        console
            .err()
            .println(
                "error: --engine "
                    + engine
                    + ": no such engine on the class path (expected local or spark; the spark"
                    + " engine is the engine-spark jar)");
        return ExitCode.USER_ERROR;
      }
      try (RemoteEngine remote = provider.start(config, master)) {
        outcome =
            new Runner(registry, new ProgressPrinter(console), remote)
                .execute(runConfig, new RunOptions(out, resume));
      }
    }
    RunResult result = outcome.result();
    ResultTable.print(result, console.out());
    if (!"local".equals(engine) && result.tasks().stream().anyMatch(t -> t.timing() != null)) {
      // the phases are measured on the thread that runs the task: here, the driver's
      console
          .out()
          .println(
              "timing (--engine "
                  + engine
                  + "): decode, preprocess and model seconds count this process's work only;"
                  + " the executors' time shows in the Spark web UI (wall s and samples/s are"
                  + " end to end)");
    }
    if (outcome.gates() != null) {
      Path xml = outcome.runDirectory().resolve("gates.xml");
      GateJUnitXml.write(outcome.gates(), xml);
      GatePrinter.print(outcome.gates(), console.out());
      console
          .err()
          .println(
              "gates: " + outcome.runDirectory().resolve("gates.json") + ", JUnit report: " + xml);
    }
    List<TaskResult> unscored = outcome.unscored();
    if (!unscored.isEmpty()) {
      // the data could not be scored: results are written, but the run is not a success
      for (TaskResult t : unscored) {
        console.err().println("error: " + ProgressPrinter.noScore(t));
      }
      console
          .err()
          .println(
              "error: "
                  + unscored.size()
                  + " of "
                  + result.tasks().size()
                  + " task runs have no score; results are in "
                  + outcome.runDirectory().resolve("results.json"));
      return ExitCode.USER_ERROR;
    }
    return outcome.passed() ? ExitCode.OK : ExitCode.GATE_FAILED;
  }
}
