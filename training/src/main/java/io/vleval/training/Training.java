package io.vleval.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.api.error.VlevalException;
import io.vleval.model.internvl.checkpoint.CheckpointFiles;
import io.vleval.model.internvl.nd.Devices;
import io.vleval.model.internvl.provider.Presets;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.training.data.StageData;
import io.vleval.training.data.TrainingData;
import io.vleval.training.data.TrainingInputs;
import io.vleval.training.eval.QuickEval;
import io.vleval.training.loop.LoopSettings;
import io.vleval.training.loop.Objective;
import io.vleval.training.loop.Replica;
import io.vleval.training.loop.StageModel;
import io.vleval.training.loop.StageResult;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.loop.TrainingLoop;
import io.vleval.training.optim.CosineSchedule;
import io.vleval.training.sft.ChatEval;
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
 * stage kind trains are marked, the {@link TrainingLoop} runs, quick metrics are computed on
 * held-out data and written with the losses to {@code out/<stage>/done.json}, and the final
 * checkpoint is copied to the stage's {@code export} folder.
 *
 * <p>With several devices ({@code device: gpu:0,gpu:1}, or {@code auto} with several GPUs), one
 * replica of the stage's model is built per device, each with its own objective, and the loop
 * splits every micro-batch over them (data parallelism, {@link TrainingLoop}).
 *
 * <p>With {@code resume}, a stage with {@code done.json} is skipped, and an interrupted stage
 * continues from its last checkpoint; without it, a stage folder left by an earlier run is
 * replaced.
 */
public final class Training {

  private static final String DONE = "done.json";

  private final TrainSpec spec;
  private final TrainingInputs inputs;
  private final Path out;
  private final TrainingListener listener;

  /**
   * What one stage produced.
   *
   * @param stage the stage's name
   * @param kind its kind
   * @param result losses and throughput
   * @param metrics held-out metrics by name (e.g. {@code zero_shot_acc1}, {@code
   *     retrieval_r1_mean})
   * @param checkpoint the final checkpoint folder
   * @param skipped true when an earlier run had finished the stage
   */
  public record StageOutcome(
      String stage,
      StageKind kind,
      StageResult result,
      Map<String, Double> metrics,
      Path checkpoint,
      boolean skipped) {}

  /**
   * @param spec the validated config
   * @param inputs what the stages read: each stage's data (its {@code data:}), decoded at its
   *     model's side, and the held-out data of the metrics
   * @param out where stage folders go
   * @param listener progress
   */
  public Training(TrainSpec spec, TrainingInputs inputs, Path out, TrainingListener listener) {
    this.spec = spec;
    this.inputs = inputs;
    this.out = out;
    this.listener = listener;
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
        List<Double> losses = new ArrayList<>();
        done.get("losses").forEach(n -> losses.add(n.asDouble()));
        exportIfAsked(stage, ckpt);
        return new StageOutcome(
            stage.name(),
            stage.kind(),
            new StageResult(stage.name(), losses, 0, 0, ckpt),
            metrics,
            ckpt,
            true);
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
      try (StageModel model = build(stage, init, seed, devices.get(0));
          StageData train = inputs.stage(stage, model.imageSize(), seed)) {
        TrainingData data = inputs.heldOut(model.imageSize());
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
        StageResult result =
            new TrainingLoop(replicas, settings, dir, listener).run(last.orElse(null));
        Map<String, Double> metrics = metrics(stage.kind(), model, tokenizer, data, seed);
        metrics.forEach(
            (k, v) ->
                listener.onMessage(
                    String.format(Locale.ROOT, "%s: %s = %.4f", stage.name(), k, v)));
        writeDone(dir, result, metrics);
        exportIfAsked(stage, result.finalCheckpoint());
        return new StageOutcome(
            stage.name(), stage.kind(), result, metrics, result.finalCheckpoint(), false);
      } finally {
        copies.forEach(StageModel::close);
      }
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

  private static Map<String, Double> metrics(
      StageKind kind, StageModel model, TextTokenizer tokenizer, TrainingData data, long seed) {
    Map<String, Double> m = new LinkedHashMap<>();
    if (data.classVal().isEmpty()
        && data.captionTest().isEmpty()
        && data.questionsEval().isEmpty()) {
      return m; // no held-out data: no in-process metrics
    }
    if (kind == StageKind.SFT && model instanceof ChatStageModel chat) {
      m.putAll(ChatEval.metrics(chat.chat(), tokenizer, data, seed));
    }
    if (model instanceof CgStageModel cg) {
      m.put(
          "zero_shot_acc1",
          QuickEval.zeroShotAccuracy(cg.cg(), tokenizer, data, ContrastiveObjective.TEMPLATES));
      double[] c = QuickEval.retrievalRecallAt1(cg.cg(), tokenizer, data, false);
      m.put("retrieval_c_i2t_r1", c[0]);
      m.put("retrieval_c_t2i_r1", c[1]);
      m.put("retrieval_c_mean_r1", c[2]);
      if (kind == StageKind.GENERATIVE) {
        double[] g = QuickEval.retrievalRecallAt1(cg.cg(), tokenizer, data, true);
        m.put("retrieval_g_i2t_r1", g[0]);
        m.put("retrieval_g_t2i_r1", g[1]);
        m.put("retrieval_g_mean_r1", g[2]);
      }
      if (kind == StageKind.LM_HEAD_WARMUP || kind == StageKind.GENERATIVE) {
        // ITG on held-out captions (README, "Stage 2"): text only (what the warm-up reaches), and
        // with the
        // queries seeing the caption's own image or another one
        m.put(
            "itg_heldout_text_only",
            CaptionLosses.textOnly(cg.cg(), tokenizer, data.captionTest()));
      }
      if (kind == StageKind.GENERATIVE) {
        m.put(
            "itg_heldout",
            CaptionLosses.withImage(
                cg.cg(), tokenizer, data.captionTest(), data.imageSize(), true));
        m.put(
            "itg_heldout_other_image",
            CaptionLosses.withImage(
                cg.cg(), tokenizer, data.captionTest(), data.imageSize(), false));
      }
    }
    return m;
  }

  private static void writeDone(Path dir, StageResult r, Map<String, Double> metrics)
      throws IOException {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("stage", r.stage());
    o.put("checkpoint", dir.relativize(r.finalCheckpoint()).toString());
    o.put("seconds", r.seconds());
    o.put("samples_per_second", r.samplesPerSecond());
    ObjectNode m = o.putObject("metrics");
    metrics.forEach(m::put);
    var losses = o.putArray("losses");
    r.losses().forEach(losses::add);
    Files.writeString(dir.resolve(DONE), o.toPrettyString() + "\n", StandardCharsets.UTF_8);
  }
}
