package io.vleval.training.eval;

import io.vleval.api.config.DatasetEntry;
import io.vleval.api.config.ModelEntry;
import io.vleval.api.config.RunConfig;
import io.vleval.api.config.RunSettings;
import io.vleval.api.config.TaskEntry;
import io.vleval.api.result.ConfidenceInterval;
import io.vleval.api.result.MetricValue;
import io.vleval.api.result.TaskResult;
import io.vleval.core.config.ConfigLoader;
import io.vleval.core.config.NormalizedConfig;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.core.run.RunListener;
import io.vleval.core.run.RunOptions;
import io.vleval.core.run.RunOutcome;
import io.vleval.core.run.Runner;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.loop.TrainingLoop;
import io.vleval.training.spec.EvalTarget;
import io.vleval.training.spec.StageSpec;
import io.vleval.training.spec.TrainSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Scores a stage's final checkpoint with the tasks of its {@code eval:} list through harness-core's
 * {@link Runner}, as {@code vleval run} would score it: one {@code internvl} model entry per
 * evaluated head ({@link EvalTarget}), the recipe's datasets that the tasks name, the recipe's
 * seed. The run directory is the stage's {@code eval/} folder (config.yaml, samples/, results.json,
 * results.csv); an evaluation interrupted there is continued by the runner's own resume. The
 * checkpoint is only read.
 */
public final class StageEvaluation {

  /** The stage folder's subfolder that holds the evaluation's run directory. */
  public static final String FOLDER = "eval";

  private static final String HASH_FILE = "config.sha256";

  private final PluginRegistry registry;
  private final Path cache;
  private final TrainingListener listener;

  /**
   * What an evaluation gave.
   *
   * @param runDirectory the run directory
   * @param metrics every metric of every scored task, keyed {@code <task>.<metric>} (a further
   *     head's keys start with {@code <head>/}, e.g. {@code c/retrieval.mean_recall}; a task's
   *     further datasets are its rows {@code <task>@<dataset>})
   * @param intervals the confidence intervals of the metrics that have one, keyed likewise
   * @param results the task results as the runner wrote them
   */
  public record Outcome(
      Path runDirectory,
      Map<String, Double> metrics,
      Map<String, ConfidenceInterval> intervals,
      List<TaskResult> results) {

    /** Copies. */
    public Outcome {
      metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
      intervals = Collections.unmodifiableMap(new LinkedHashMap<>(intervals));
      results = List.copyOf(results);
    }
  }

  /**
   * @param registry the plugins (the tasks, the datasets' loaders, the {@code internvl} model)
   * @param cache the cache folder the datasets' loaders get (where the synthetic suite is
   *     generated)
   * @param listener receives a line per finished task
   */
  public StageEvaluation(PluginRegistry registry, Path cache, TrainingListener listener) {
    this.registry = registry;
    this.cache = cache;
    this.listener = listener;
  }

  /**
   * Evaluates a stage's final checkpoint into {@code stageDir/eval/}.
   *
   * @param spec the recipe (seed, device, precision, datasets)
   * @param stage the stage, with its {@code eval:} tasks (none: nothing runs)
   * @param checkpoint its final checkpoint
   * @param stageDir the stage's folder
   * @return the metrics, or an empty outcome when the stage has no tasks
   */
  public Outcome run(TrainSpec spec, StageSpec stage, Path checkpoint, Path stageDir) {
    Path dir = stageDir.resolve(FOLDER);
    if (stage.eval().isEmpty()) {
      return new Outcome(dir, Map.of(), Map.of(), List.of());
    }
    RunConfig config = config(spec, stage, checkpoint, dir);
    boolean resume = prepare(stage, dir, NormalizedConfig.of(config).sha256());
    RunOutcome outcome =
        new Runner(registry, new Lines(stage.name(), listener))
            .execute(config, new RunOptions(dir, resume));
    Map<String, String> prefixes = new HashMap<>();
    List<ModelEntry> models = config.models();
    for (int i = 0; i < models.size(); i++) {
      prefixes.put(
          models.get(i).name(),
          i == 0 ? "" : stage.evalHeads().get(i).name().toLowerCase(Locale.ROOT) + "/");
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    Map<String, ConfidenceInterval> intervals = new LinkedHashMap<>();
    for (TaskResult t : outcome.result().tasks()) {
      if (!t.scored()) {
        listener.onMessage(
            String.format(
                Locale.ROOT,
                "%s: evaluation task '%s' scored no sample (%d skipped, %d failed); see %s",
                stage.name(),
                t.task(),
                t.skippedCount(),
                t.failedCount(),
                outcome.runDirectory()));
        continue;
      }
      String prefix = prefixes.getOrDefault(t.model(), t.model() + "/");
      for (MetricValue m : t.metrics()) {
        String key = prefix + t.task() + "." + m.name();
        metrics.put(key, m.value());
        if (m.interval() != null) {
          intervals.put(key, m.interval());
        }
      }
    }
    return new Outcome(outcome.runDirectory(), metrics, intervals, outcome.result().tasks());
  }

  /** The run config of a stage's evaluation. */
  private RunConfig config(TrainSpec spec, StageSpec stage, Path checkpoint, Path dir) {
    String name = (spec.train().name() == null ? "" : spec.train().name() + "-") + stage.name();
    RunSettings run =
        new RunSettings(
            name,
            spec.train().seed(),
            dir.getParent(),
            Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
            ConfigLoader.DEFAULT_BATCH_SIZE,
            cache);
    Set<String> named = new HashSet<>();
    for (TaskEntry t : stage.eval()) {
      named.add(t.dataset());
      if (t.trainDataset() != null) {
        named.add(t.trainDataset());
      }
      named.addAll(t.evalDatasets());
    }
    List<DatasetEntry> datasets =
        spec.datasets().stream().filter(d -> named.contains(d.name())).toList();
    // the runner writes the normalized config to dir/config.yaml; as its source, paths in it are
    // written relative to the run directory (the checkpoint is ../checkpoint-NNNNNN)
    return new RunConfig(
        dir.resolve("config.yaml"),
        run,
        EvalTarget.models(stage, checkpoint, spec.train()),
        datasets,
        stage.eval(),
        List.of());
  }

  /**
   * Whether the run directory holds an interrupted evaluation of the same config (resume it);
   * anything else there is removed.
   */
  private boolean prepare(StageSpec stage, Path dir, String sha256) {
    try {
      Path hash = dir.resolve(HASH_FILE);
      if (Files.isRegularFile(hash)) {
        if (Files.readString(hash, StandardCharsets.UTF_8).strip().equals(sha256)) {
          listener.onMessage(stage.name() + ": continuing the interrupted evaluation in " + dir);
          return true;
        }
        listener.onMessage(
            stage.name()
                + ": "
                + dir
                + " holds an evaluation of other tasks, datasets or checkpoint; starting again");
      }
      // nothing there can be resumed
      TrainingLoop.deleteTree(dir);
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A line per finished task. */
  private record Lines(String stage, TrainingListener listener) implements RunListener {
    @Override
    public void taskFinished(TaskResult r) {
      if (!r.scored() || r.headline() == null) {
        return;
      }
      MetricValue h = r.metric(r.headline());
      String interval =
          h.interval() == null
              ? ""
              : String.format(
                  Locale.ROOT, " [%.4f, %.4f]", h.interval().lower(), h.interval().upper());
      listener.onMessage(
          String.format(
              Locale.ROOT,
              "%s: evaluation %s on %s (%s): %s = %.4f%s",
              stage,
              r.task(),
              r.dataset(),
              r.model(),
              h.name(),
              h.value(),
              interval));
    }
  }
}
