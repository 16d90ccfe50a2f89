package io.vleval.cli;

import io.vleval.training.Training;
import io.vleval.training.TrainingJob;
import io.vleval.training.loop.StepReport;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.spec.TrainConfigLoader;
import io.vleval.training.spec.TrainSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vleval train CONFIG [--resume]}: runs InternVL's training stages from a YAML file. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train InternVL's stages (contrastive, lm_head warm-up, generative, LM warm-up, SFT) from a YAML file, each on the datasets it names.",
      "Each stage writes OUT/<stage>/log.csv, checkpoint-NNNNNN/ folders loadable by the internvl model",
      "plugin (checkpoint: ...), OUT/<stage>/eval/ (the run directory of its eval: tasks on the final",
      "checkpoint), and done.json with the losses and the metrics."
    })
final class TrainCommand implements Callable<Integer> {

  private static final long LINE_INTERVAL_NANOS = 5_000_000_000L;

  @ParentCommand VlevalCommand parent;
  @Mixin CommonOptions common;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "The training YAML.")
  Path config;

  @Option(
      names = "--resume",
      description =
          "Skip finished stages and continue an interrupted one from its last checkpoint.")
  boolean resume;

  @Option(names = "--validate", description = "Check the config and stop.")
  boolean validateOnly;

  @Override
  public Integer call() {
    Console console = parent.console;
    TrainSpec spec = TrainConfigLoader.load(config);
    if (validateOnly) {
      console.out().println(config + ": ok (" + spec.stages().size() + " stages)");
      return ExitCode.OK;
    }
    return train(spec, console);
  }

  private Integer train(TrainSpec spec, Console console) {
    long t0 = System.nanoTime();
    List<Training.StageOutcome> outcomes =
        TrainingJob.run(spec, defaultCache(), resume, new Progress(console));
    console
        .out()
        .println(
            String.format(
                Locale.ROOT,
                "%-24s %-12s %6s %10s %10s %8s  %s",
                "stage",
                "kind",
                "steps",
                "first_loss",
                "final_loss",
                "seconds",
                "metrics"));
    for (Training.StageOutcome o : outcomes) {
      StringBuilder m = new StringBuilder();
      for (Map.Entry<String, Double> e : o.metrics().entrySet()) {
        m.append(String.format(Locale.ROOT, "%s=%.4f ", e.getKey(), e.getValue()));
      }
      console
          .out()
          .println(
              String.format(
                  Locale.ROOT,
                  "%-24s %-12s %6d %10.4f %10.4f %8.1f  %s%s",
                  o.stage(),
                  o.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                  o.result().losses().size(),
                  o.result().firstLoss(),
                  o.result().finalLoss(),
                  o.result().seconds(),
                  m.toString().strip(),
                  o.skipped() ? " (earlier run)" : ""));
    }
    console
        .out()
        .println(
            String.format(
                Locale.ROOT,
                "trained in %.1f s; stage folders under %s",
                (System.nanoTime() - t0) / 1e9,
                spec.train().out()));
    console.out().flush();
    return ExitCode.OK;
  }

  private static Path defaultCache() {
    String env = System.getenv("VLEVAL_CACHE");
    return env != null && !env.isBlank()
        ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".cache", "vleval");
  }

  /** A redrawn bar on a terminal, a line every five seconds otherwise. */
  private static final class Progress implements TrainingListener {
    private final Console console;
    private long lastLine = System.nanoTime();

    Progress(Console console) {
      this.console = console;
    }

    @Override
    public void onStep(StepReport r) {
      String line =
          String.format(
              Locale.ROOT,
              "[%s] step %d/%d loss %.4f lr %.2e %.0f samples/s",
              r.stage(),
              r.step(),
              r.totalSteps(),
              r.loss(),
              r.learningRate(),
              r.samplesPerSecond());
      long now = System.nanoTime();
      if (console.interactive()) {
        int filled = r.step() * 30 / r.totalSteps();
        console
            .err()
            .print("\r[" + "#".repeat(filled) + " ".repeat(30 - filled) + "] " + line + "   ");
        if (r.step() == r.totalSteps()) {
          console.err().println();
        }
        console.err().flush();
      } else if (now - lastLine >= LINE_INTERVAL_NANOS || r.step() == r.totalSteps()) {
        lastLine = now;
        console.err().println(line);
        console.err().flush();
      }
    }

    @Override
    public void onCheckpoint(String stage, int step, Path dir) {
      if (!console.interactive()) {
        console.err().println("[" + stage + "] checkpoint " + dir);
        console.err().flush();
      }
    }

    @Override
    public void onMessage(String message) {
      console.err().println(message);
      console.err().flush();
    }
  }
}
