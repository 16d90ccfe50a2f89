package io.vleval.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.api.error.VlevalException;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.result.ConfidenceInterval;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.core.config.ConfigLoader;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.model.internvl.checkpoint.CheckpointFiles;
import io.vleval.model.internvl.nd.Devices;
import io.vleval.model.internvl.provider.Presets;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.training.data.StageData;
import io.vleval.training.data.TrainingData;
import io.vleval.training.data.TrainingDatasets;
import io.vleval.training.data.TrainingInputs;
import io.vleval.training.eval.StageEvaluation;
import io.vleval.training.loop.LoopSettings;
import io.vleval.training.loop.Objective;
import io.vleval.training.loop.Replica;
import io.vleval.training.loop.StageModel;
import io.vleval.training.loop.StageResult;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.loop.TrainingLoop;
import io.vleval.training.optim.CosineSchedule;
import io.vleval.training.sft.ChatStageModel;
import io.vleval.training.sft.LmWarmupObjective;
import io.vleval.training.sft.SftObjective;
import io.vleval.training.spec.StageKind;
import io.vleval.training.spec.StageSpec;
import io.vleval.training.spec.TrainSettings;
import io.vleval.training.spec.TrainSpec;
import io.vleval.training.stage.CaptionLosses;
import io.vleval.training.stage.CgStageModel;
import io.vleval.training.stage.ContrastiveObjective;
import io.vleval.training.stage.GenerativeObjective;
import io.vleval.training.stage.LmHeadWarmupObjective;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the stages of a {@link TrainSpec} in order, each in {@code out/<stage>/}: the model is built
 * (a random preset, an earlier stage's final checkpoint, or a checkpoint folder), the weights the
 * stage kind trains are marked, the {@link TrainingLoop} runs, the held-out ITG loss is computed on
 * the stage's {@code heldout} captions, the final checkpoint is scored by the stage's {@code eval:}
 * tasks through the runner ({@link StageEvaluation}, into {@code out/<stage>/eval/}), the losses
 * and metrics are written to {@code out/<stage>/done.json}, and the final checkpoint is copied to
 * the stage's {@code export} folder.
 *
 * <p>With several devices ({@code device: gpu:0,gpu:1}, or {@code auto} with several GPUs), one
 * replica of the stage's model is built per device, each with its own objective, and the loop
 * splits every micro-batch over them (data parallelism, {@link TrainingLoop}).
 *
 * <p>With {@code resume}, a stage with {@code done.json} is skipped (its evaluation is not run
 * again), and an interrupted stage continues from its last checkpoint (an interrupted evaluation
 * from its recorded samples); without it, a stage folder left by an earlier run is replaced.
 */
public final class Training {

  private static final String DONE = "done.json";

  private final TrainSpec spec;
  private final TrainingInputs inputs;
  private final Path out;
  private final TrainingListener listener;
  private final PluginRegistry registry;
  private final Path cache;

  /**
   * What one stage produced.
   *
   * @param stage the stage's name
   * @param kind its kind
   * @param result losses and throughput
   * @param metrics the evaluation's metrics, {@code <task>.<metric>} (e.g. {@code zero-shot.acc1};
   *     see {@link StageEvaluation.Outcome#metrics()}), and the held-out ITG losses ({@code
   *     itg_heldout...})
   * @param checkpoint the final checkpoint folder
   * @param skipped true when an earlier run had finished the stage
   * @param intervals the confidence intervals of the metrics that have one, keyed likewise
   * @param evaluation the evaluation's run directory, or null when the stage has no {@code eval:}
   */
  public record StageOutcome(
      String stage,
      StageKind kind,
      StageResult result,
      Map<String, Double> metrics,
      Path checkpoint,
      boolean skipped,
      Map<String, ConfidenceInterval> intervals,
      Path evaluation) {}

  /**
   * @param spec the validated config
   * @param inputs what the stages read: each stage's data (its {@code data:}), decoded at its
   *     model's side, and the held-out data of the metrics
   * @param out where stage folders go
   * @param listener progress
   */
  public Training(TrainSpec spec, TrainingInputs inputs, Path out, TrainingListener listener) {
    this(
        spec,
        inputs,
        out,
        listener,
        PluginRegistry.discover(Training.class.getClassLoader()),
        ConfigLoader.defaultCache(System::getenv));
  }

  private Training(
      TrainSpec spec,
      TrainingInputs inputs,
      Path out,
      TrainingListener listener,
      PluginRegistry registry,
      Path cache) {
    this.spec = spec;
    this.inputs = inputs;
    this.out = out;
    this.listener = listener;
    this.registry = registry;
    this.cache = cache;
  }

  /**
   * The same training with the plugins and the cache folder that the recipe's datasets are opened
   * with (for the {@code heldout} captions and the {@code eval:} tasks). By default: the plugins on
   * this class's class path, and {@code $VLEVAL_CACHE} or {@code ~/.cache/vleval}.
   *
   * @param plugins the registry
   * @param cacheFolder the cache folder loaders get (the synthetic suite is generated there)
   * @return the training
   */
  public Training withPlugins(PluginRegistry plugins, Path cacheFolder) {
    return new Training(spec, inputs, out, listener, plugins, cacheFolder);
  }

  /**
   * @return the side images must be preprocessed to for the models the presets build
   */
  public static int imageSize() {
    return Presets.tinyInternVl().imageSize();
  }

  /**
   * Runs every stage.
   *
   * @param resume continue an interrupted run
   * @return one outcome per stage
   */
  public List<StageOutcome> run(boolean resume) {
    try (TextTokenizer tokenizer = tinyTokenizer()) {
      return run(resume, tokenizer);
    }
  }

  /**
   * Runs every stage with another tokenizer than the built-in one (experiments, e.g. the word-level
   * tokenizer of the stage-3 study in the README; exports still carry the built-in tokenizer.json).
   *
   * @param resume continue an interrupted run
   * @param tokenizer the tokenizer of every stage (ids below 990, the specials at the built-in ids)
   * @return one outcome per stage
   */
  public List<StageOutcome> run(boolean resume, TextTokenizer tokenizer) {
    List<StageOutcome> outcomes = new ArrayList<>();
    Map<String, Path> finals = new LinkedHashMap<>();
    for (StageSpec stage : spec.stages()) {
      StageOutcome o = runStage(stage, resume, finals, tokenizer);
      finals.put(stage.name(), o.checkpoint());
      outcomes.add(o);
    }
    return outcomes;
  }

  /**
   * @return the built-in tokenizer of the tiny models
   */
  public static TextTokenizer tinyTokenizer() {
    try (InputStream in = Training.class.getResourceAsStream(CheckpointFiles.TINY_TOKENIZER)) {
      return TextTokenizer.fromStream(in, "tiny-tokenizer.json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private StageOutcome runStage(
      StageSpec stage, boolean resume, Map<String, Path> finals, TextTokenizer tokenizer) {
    Path dir = out.resolve(stage.name());
    long seed = stage.model().seed() != null ? stage.model().seed() : spec.train().seed();
    try {
      if (resume && Files.isRegularFile(dir.resolve(DONE))) {
        ObjectNode done = (ObjectNode) new ObjectMapper().readTree(dir.resolve(DONE).toFile());
        Path ckpt = dir.resolve(done.get("checkpoint").asText());
        listener.onMessage(stage.name() + ": finished by an earlier run, skipped");
        Map<String, Double> metrics = new LinkedHashMap<>();
        done.get("metrics")
            .fields()
            .forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
        Map<String, ConfidenceInterval> intervals = new LinkedHashMap<>();
        done.path("intervals")
            .fields()
            .forEachRemaining(
                e ->
                    intervals.put(
                        e.getKey(),
                        new ConfidenceInterval(
                            e.getValue().get("lower").asDouble(),
                            e.getValue().get("upper").asDouble(),
                            e.getValue().get("level").asDouble(),
                            e.getValue().get("resamples").asInt())));
        List<Double> losses = new ArrayList<>();
        done.get("losses").forEach(n -> losses.add(n.asDouble()));
        exportIfAsked(stage, ckpt);
        return new StageOutcome(
            stage.name(),
            stage.kind(),
            new StageResult(stage.name(), losses, 0, 0, ckpt),
            metrics,
            ckpt,
            true,
            intervals,
            done.hasNonNull("evaluation") ? dir.resolve(done.get("evaluation").asText()) : null);
      }
      Optional<Path> last = resume ? TrainingLoop.lastCheckpoint(dir) : Optional.empty();
      if (last.isEmpty() && Files.exists(dir)) {
        if (!Files.exists(dir.resolve(TrainingLoop.logFile()))
            && TrainingLoop.lastCheckpoint(dir).isEmpty()
            && hasFiles(dir)) {
          throw new VlevalException(
              dir
                  + ": exists and does not look like a stage folder of vleval train; "
                  + "choose another 'out' or remove it");
        }
        TrainingLoop.deleteTree(dir);
      }
      Path init = last.orElseGet(() -> initialCheckpoint(stage, finals));
      List<Device> devices = Devices.parseTraining(spec.train().device());
      if (devices.size() > stage.batchSize()) {
        throw new VlevalException(
            "stage '"
                + stage.name()
                + "': batch_size "
                + stage.batchSize()
                + " cannot be split over the "
                + devices.size()
                + " devices of 'device' ("
                + spec.train().device()
                + "); each replica needs at least one sample");
      }
      List<StageModel> copies = new ArrayList<>();
      StageResult result;
      Map<String, Double> metrics = new LinkedHashMap<>();
      try (StageModel model = build(stage, init, seed, devices.get(0));
          StageData train = inputs.stage(stage, model.imageSize(), seed)) {
        List<Replica> replicas = new ArrayList<>();
        replicas.add(replica(stage, model, tokenizer, train, seed));
        for (Device d : devices.subList(1, devices.size())) {
          StageModel copy = build(stage, init, seed, d);
          copies.add(copy);
          replicas.add(replica(stage, copy, tokenizer, train, seed));
        }
        Map<String, NDArray> trainable = replicas.get(0).trainable();
        LoopSettings settings =
            new LoopSettings(
                stage.name(),
                stage.steps(),
                stage.batchSize(),
                stage.gradientAccumulation(),
                stage.clipGradNorm(),
                stage.checkpointEvery(),
                seed,
                stage.optimizer(),
                new CosineSchedule(
                    stage.optimizer().lr(),
                    stage.schedule().warmupSteps(),
                    stage.steps(),
                    stage.schedule().minLrRatio()),
                mixedPrecision());
        listener.onMessage(
            String.format(
                Locale.ROOT,
                "%s (%s): %d steps, %d trainable weights, %d of %d parameters%s",
                stage.name(),
                stage.kind().name().toLowerCase(Locale.ROOT),
                stage.steps(),
                trainable.size(),
                count(trainable),
                count(model.parameters()),
                devices.size() == 1
                    ? ""
                    : ", data-parallel over " + devices.stream().map(Devices::name).toList()));
        result = new TrainingLoop(replicas, settings, dir, listener).run(last.orElse(null));
        if (stage.heldout() != null && model instanceof CgStageModel cg) {
          metrics.putAll(heldoutLosses(stage, cg, tokenizer, seed));
        }
      } finally {
        copies.forEach(StageModel::close);
      }
      // the stage's model is closed: the runner loads the final checkpoint on its own
      StageEvaluation.Outcome evaluation =
          new StageEvaluation(registry, cache, listener)
              .run(spec, stage, result.finalCheckpoint(), dir);
      metrics.putAll(evaluation.metrics());
      metrics.forEach(
          (k, v) ->
              listener.onMessage(String.format(Locale.ROOT, "%s: %s = %.4f", stage.name(), k, v)));
      Path evaluated = stage.eval().isEmpty() ? null : evaluation.runDirectory();
      writeDone(dir, result, metrics, evaluation.intervals(), evaluated);
      exportIfAsked(stage, result.finalCheckpoint());
      return new StageOutcome(
          stage.name(),
          stage.kind(),
          result,
          metrics,
          result.finalCheckpoint(),
          false,
          evaluation.intervals(),
          evaluated);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean hasFiles(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.findAny().isPresent();
    }
  }

  private static long count(Map<String, NDArray> p) {
    return p.values().stream().mapToLong(a -> a.getShape().size()).sum();
  }

  private void exportIfAsked(StageSpec stage, Path ckpt) {
    if (stage.export() != null) {
      CheckpointFiles.export(ckpt, stage.export());
      listener.onMessage(stage.name() + ": exported to " + stage.export());
    }
  }

  private Path initialCheckpoint(StageSpec stage, Map<String, Path> finals) {
    if (stage.model().from() != null) {
      return finals.get(stage.model().from());
    }
    return stage.model().checkpoint();
  }

  /** A model with its objective and the weights the stage trains. */
  private static Replica replica(
      StageSpec stage, StageModel model, TextTokenizer tokenizer, StageData data, long seed) {
    Map<String, NDArray> trainable = new LinkedHashMap<>();
    model
        .parameters()
        .forEach(
            (k, a) -> {
              if (trains(stage, k)) {
                trainable.put(k, a);
              }
            });
    return new Replica(model, trainable, objective(stage, model, tokenizer, data, seed));
  }

  private StageModel build(StageSpec stage, Path init, long seed, Device device) {
    DataType dtype = mixedPrecision() ? DataType.FLOAT16 : DataType.FLOAT32;
    return switch (stage.kind()) {
      case CONTRASTIVE, LM_HEAD_WARMUP, GENERATIVE ->
          init == null
              ? CgStageModel.random(Presets.tinyInternVl(), seed, device, dtype)
              : CgStageModel.load(init, seed, device, dtype);
      case LM_WARMUP, SFT ->
          init == null
              ? ChatStageModel.random(
                  stage.model().llmHidden(),
                  stage.model().llmLayers(),
                  stage.model().imageSize(),
                  seed,
                  device,
                  dtype)
              : ChatStageModel.load(
                  init,
                  stage.model().llmHidden(),
                  stage.model().llmLayers(),
                  stage.model().imageSize(),
                  seed,
                  device,
                  dtype);
    };
  }

  private boolean mixedPrecision() {
    return TrainSettings.MIXED_FLOAT16.equals(spec.train().precision());
  }

  private static Objective objective(
      StageSpec stage, StageModel model, TextTokenizer tokenizer, StageData data, long seed) {
    return switch (stage.kind()) {
      case CONTRASTIVE -> new ContrastiveObjective((CgStageModel) model, tokenizer, data, seed);
      case LM_HEAD_WARMUP -> new LmHeadWarmupObjective((CgStageModel) model, tokenizer, data);
      case GENERATIVE -> new GenerativeObjective((CgStageModel) model, tokenizer, data, seed);
      case LM_WARMUP -> new LmWarmupObjective((ChatStageModel) model, tokenizer, data);
      case SFT -> new SftObjective((ChatStageModel) model, tokenizer, data);
    };
  }

  private static boolean trains(StageSpec stage, String name) {
    return switch (stage.kind()) {
      case CONTRASTIVE -> ContrastiveObjective.trains(name);
      case LM_HEAD_WARMUP -> LmHeadWarmupObjective.trains(name);
      case GENERATIVE -> GenerativeObjective.trains(name);
      case LM_WARMUP -> LmWarmupObjective.trains(name);
      case SFT -> SftObjective.trains(name, Set.copyOf(stage.unfreeze()));
    };
  }

  /**
   * Stage 2's ITG loss on the stage's {@code heldout} captions (README, "The lm_head warm-up"):
   * text only (what the warm-up reaches), and for a generative stage with the queries seeing the
   * caption's own image or another one.
   */
  private Map<String, Double> heldoutLosses(
      StageSpec stage, CgStageModel cg, TextTokenizer tokenizer, long seed) {
    List<TrainingData.Captioned> captions =
        CaptionLosses.heldout(
            new TrainingDatasets(
                    spec,
                    registry,
                    new PluginContext(
                        seed,
                        cache,
                        Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()))))
                .all(stage.heldout(), CaptionedImage.class),
            cg.imageSize());
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("itg_heldout_text_only", CaptionLosses.textOnly(cg.cg(), tokenizer, captions));
    if (stage.kind() == StageKind.GENERATIVE) {
      m.put(
          "itg_heldout",
          CaptionLosses.withImage(cg.cg(), tokenizer, captions, cg.imageSize(), true));
      m.put(
          "itg_heldout_other_image",
          CaptionLosses.withImage(cg.cg(), tokenizer, captions, cg.imageSize(), false));
    }
    return m;
  }

  private static void writeDone(
      Path dir,
      StageResult r,
      Map<String, Double> metrics,
      Map<String, ConfidenceInterval> intervals,
      Path evaluation)
      throws IOException {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("stage", r.stage());
    o.put("checkpoint", dir.relativize(r.finalCheckpoint()).toString());
    o.put("seconds", r.seconds());
    o.put("samples_per_second", r.samplesPerSecond());
    if (evaluation != null) {
      o.put("evaluation", dir.relativize(evaluation).toString());
    }
    ObjectNode m = o.putObject("metrics");
    metrics.forEach(m::put);
    ObjectNode ci = o.putObject("intervals");
    intervals.forEach(
        (k, v) ->
            ci.putObject(k)
                .put("lower", v.lower())
                .put("upper", v.upper())
                .put("level", v.level())
                .put("resamples", v.resamples()));
    var losses = o.putArray("losses");
    r.losses().forEach(losses::add);
    Files.writeString(dir.resolve(DONE), o.toPrettyString() + "\n", StandardCharsets.UTF_8);
  }
}
