package io.vleval.training.loop;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.api.error.VlevalException;
import io.vleval.model.internvl.nd.Devices;
import io.vleval.model.internvl.nd.Precision;
import io.vleval.model.internvl.nd.Scalars;
import io.vleval.model.internvl.safetensors.SafetensorsFile;
import io.vleval.model.internvl.safetensors.SafetensorsWriter;
import io.vleval.training.optim.AdamW;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs one stage on DJL autograd.
 *
 * <ol>
 *   <li>Per optimizer step, {@code accumulation} micro-batches of {@code batch_size} samples are
 *       drawn in the objective's {@link SampleOrder}; each runs in its own sub-manager under a
 *       {@link GradientCollector}, and its loss divided by {@code accumulation} is back-propagated
 *       (PyTorch adds gradients up across backward passes).
 *   <li>The global gradient norm is computed and, above {@code clip_grad_norm}, every gradient is
 *       scaled by {@code clip / (norm + 1e-6)} ({@code clip_grad_norm_}). A non-finite norm skips
 *       the update (the gradients are zeroed; the CSV row shows the NaN norm), as a loss scaler
 *       does.
 *   <li>{@link AdamW} updates every trainable weight in place with the learning rate of the
 *       schedule; the gradients are zeroed; {@link Objective#afterUpdate()} runs.
 *   <li>A CSV row ({@code log.csv}: step, epoch, lr, loss, grad_norm, samples_per_s, elapsed_s,
 *       components) is appended and the listener told.
 *   <li><b>Data parallelism</b> (several {@link Replica}s, one per device, as DJL's own {@code
 *       EasyTrain.trainBatch} does: one gradient collector, the shards run in turn, which on GPUs
 *       overlaps since kernels are queued asynchronously): each micro-batch is split into
 *       contiguous shards ({@link Shard}); every replica runs its shard's forward phase, then, from
 *       what all shards shared ({@link Gathered}), its share of the loss, and back-propagates it.
 *       The replicas' gradients are summed on the first replica's device before clipping, the first
 *       replica alone is updated (and holds the optimizer state and the checkpoints), and its
 *       weights are copied to the others. The shares add up to the micro-batch's loss and gradient,
 *       so a run on {@code n} replicas follows the run on one (the same to rounding; {@code
 *       DataParallelTest}).
 * </ol>
 *
 * <li>Every {@code checkpoint_every} steps and at the last, {@code checkpoint-NNNNNN/} is written
 *     atomically (a temporary folder, then a rename): the model in its loader's layout, {@code
 *     optimizer.safetensors} (AdamW's moments) and {@code trainer_state.json} (the step).
 *
 *     <p>Resuming from a checkpoint restores the weights (the caller loads them from the
 *     checkpoint), the moments and the step, drops the log rows after it, and continues: the data
 *     order depends only on the seed and the position, so the run ends with the loss the
 *     uninterrupted one would have.
 */
public final class TrainingLoop {

  private static final Pattern CHECKPOINT = Pattern.compile("checkpoint-(\\d{6})");
  private static final String STATE = "trainer_state.json";
  private static final String OPTIMIZER = "optimizer.safetensors";
  private static final String LOG = "log.csv";

  private final List<Replica> replicas;
  private final StageModel model;
  private final Map<String, NDArray> trainable;
  private final Objective objective;
  private final LoopSettings settings;
  private final Path stageDir;
  private final TrainingListener listener;

  /** Mixed precision: float32 copies of the float16 trainable weights, which AdamW updates. */
  private final Map<String, NDArray> masters = new LinkedHashMap<>();

  private double lossScale = INITIAL_LOSS_SCALE;
  private int goodSteps;

  /** The dynamic loss scale's start, its growth after this many finite steps, and its floor. */
  private static final double INITIAL_LOSS_SCALE = 65536;

  private static final int GROWTH_INTERVAL = 200;
  private static final double MIN_LOSS_SCALE = 1;

  /**
   * @param model the model (saved at checkpoints)
   * @param trainable the weights to update, by the model's parameter names
   * @param objective the loss
   * @param settings steps, batch, optimizer, schedule
   * @param stageDir the stage's folder (log and checkpoints)
   * @param listener progress
   */
  public TrainingLoop(
      StageModel model,
      Map<String, NDArray> trainable,
      Objective objective,
      LoopSettings settings,
      Path stageDir,
      TrainingListener listener) {
    this(List.of(new Replica(model, trainable, objective)), settings, stageDir, listener);
  }

  /**
   * A data-parallel loop: each micro-batch is split over the replicas.
   *
   * @param replicas one per device, the first the one updated and saved; built alike (the same
   *     weights, the same trainable names), at most {@code batch_size} of them
   * @param settings steps, batch, optimizer, schedule
   * @param stageDir the stage's folder (log and checkpoints)
   * @param listener progress
   */
  public TrainingLoop(
      List<Replica> replicas, LoopSettings settings, Path stageDir, TrainingListener listener) {
    if (replicas.isEmpty() || replicas.size() > settings.batchSize()) {
      throw new IllegalArgumentException(
          settings.stage()
              + ": "
              + replicas.size()
              + " replicas for micro-batches of "
              + settings.batchSize()
              + " samples; each replica needs at least one sample");
    }
    this.replicas = List.copyOf(replicas);
    this.model = replicas.get(0).model();
    this.trainable = replicas.get(0).trainable();
    this.objective = replicas.get(0).objective();
    for (Replica r : replicas) {
      if (!r.trainable().keySet().equals(trainable.keySet())) {
        throw new IllegalArgumentException(
            settings.stage() + ": the replicas train different weights");
      }
    }
    this.settings = settings;
    this.stageDir = stageDir;
    this.listener = listener;
  }

  /**
   * The latest complete checkpoint of a stage folder.
   *
   * @param stageDir the stage's folder
   * @return its folder, if there is one
   */
  public static Optional<Path> lastCheckpoint(Path stageDir) {
    if (!Files.isDirectory(stageDir)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(stageDir)) {
      return s.filter(p -> CHECKPOINT.matcher(p.getFileName().toString()).matches())
          .filter(p -> Files.isRegularFile(p.resolve(STATE)))
          .max(Comparator.comparing(p -> p.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The step a checkpoint holds.
   *
   * @param checkpoint a checkpoint folder
   * @return its completed step count
   */
  public static int stepOf(Path checkpoint) {
    try {
      return new ObjectMapper().readTree(checkpoint.resolve(STATE).toFile()).get("step").asInt();
    } catch (IOException e) {
      throw new VlevalException(
          checkpoint.resolve(STATE) + ": cannot read the trainer state: " + e.getMessage());
    }
  }

  /**
   * Runs the stage from the start or from a checkpoint.
   *
   * @param resumeFrom a checkpoint of this stage whose weights the model already holds, or null
   * @return the stage's losses and throughput
   */
  public StageResult run(Path resumeFrom) {
    replicas.forEach(r -> r.trainable().values().forEach(a -> a.setRequiresGradient(true)));
    broadcast(model.parameters().keySet());
    NDManager masterManager = model.manager().newSubManager();
    if (settings.mixedPrecision()) {
      trainable.forEach(
          (k, w) -> {
            NDArray m = copyAs(w, DataType.FLOAT32);
            m.attach(masterManager);
            masters.put(k, m);
          });
    }
    SampleOrder order = objective.order(settings.seed());
    int start = 0;
    long drawn = 0;
    double seconds = 0;
    Path last = resumeFrom;
    try {
      Files.createDirectories(stageDir);
      try (AdamW adam =
          new AdamW(
              settings.optimizer().betas().get(0),
              settings.optimizer().betas().get(1),
              settings.optimizer().eps(),
              settings.optimizer().weightDecay(),
              model.manager())) {
        if (resumeFrom != null) {
          start = stepOf(resumeFrom);
          try (SafetensorsFile f = SafetensorsFile.open(resumeFrom.resolve(OPTIMIZER));
              NDManager tmp = model.manager().newSubManager()) {
            Map<String, NDArray> state = new LinkedHashMap<>();
            for (String k : f.keys()) {
              state.put(k, f.toNDArray(k, tmp));
            }
            adam.restore(state);
          }
          trimLog(start);
          listener.onMessage(
              settings.stage() + ": resuming after step " + start + " from " + resumeFrom);
        } else {
          Files.deleteIfExists(stageDir.resolve(LOG));
        }
        int perStep = settings.batchSize() * settings.accumulation();
        for (int step = start; step < settings.steps(); step++) {
          long t0 = System.nanoTime();
          double lr = settings.schedule().at(step);
          double loss = 0;
          Map<String, Double> parts = new LinkedHashMap<>();
          for (int a = 0; a < settings.accumulation(); a++) {
            int[] idx = new int[settings.batchSize()];
            long base = ((long) step * settings.accumulation() + a) * settings.batchSize();
            for (int j = 0; j < idx.length; j++) {
              idx[j] = order.at(base + j);
            }
            loss += microBatch(idx, step, parts);
          }
          if (settings.mixedPrecision()) {
            parts.put("loss_scale", lossScale);
          }
          double norm = update(adam, lr, step + 1);
          objective.afterUpdate();
          broadcast(trainable.keySet());
          // a float32 weight that afterUpdate changed in place (the temperature clamp) is its own
          // master
          masters.forEach(
              (k, m) -> {
                NDArray w = trainable.get(k);
                if (w.getDataType() == DataType.FLOAT32) {
                  m.muli(0).addi(w);
                }
              });
          double dt = (System.nanoTime() - t0) / 1e9;
          seconds += dt;
          drawn += perStep;
          StepReport r =
              new StepReport(
                  settings.stage(),
                  step + 1,
                  settings.steps(),
                  loss,
                  lr,
                  norm,
                  perStep / dt,
                  seconds,
                  parts);
          appendLog(r, order.epochs((long) (step + 1) * perStep));
          listener.onStep(r);
          if ((step + 1) % settings.checkpointEvery() == 0 || step + 1 == settings.steps()) {
            last = checkpoint(step + 1, adam, loss);
            listener.onCheckpoint(settings.stage(), step + 1, last);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      replicas.forEach(r -> r.trainable().values().forEach(a -> a.setRequiresGradient(false)));
      masters.clear();
      masterManager.close();
    }
    return new StageResult(
        settings.stage(), readLosses(), seconds, seconds > 0 ? drawn / seconds : 0, last);
  }

  /**
   * One micro-batch: every replica's forward phase, then every replica's share of the loss,
   * back-propagated (divided by the accumulation; times the loss scale in mixed precision).
   *
   * @return the micro-batch's loss divided by the accumulation
   */
  private double microBatch(int[] idx, int step, Map<String, Double> parts) {
    List<NDManager> managers = new ArrayList<>();
    try {
      for (Replica r : replicas) {
        managers.add(r.model().manager().newSubManager());
      }
      double loss = 0;
      Map<String, Float> p = new LinkedHashMap<>();
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        List<Objective.Pass> passes = new ArrayList<>();
        for (int k = 0; k < replicas.size(); k++) {
          passes.add(
              replicas
                  .get(k)
                  .objective()
                  .forward(Shard.of(idx, k, replicas.size()), step, managers.get(k)));
        }
        for (int k = 0; k < replicas.size(); k++) {
          Objective.Share share = passes.get(k).loss(new Gathered(passes, k, managers.get(k)), p);
          NDArray l = share.loss();
          loss += share.value() / settings.accumulation();
          if (settings.mixedPrecision()) {
            // scaled so that small float16 gradients do not flush to zero; unscaled in update()
            gc.backward(Scalars.mul(Precision.widenLoss(l), lossScale / settings.accumulation()));
          } else {
            gc.backward(settings.accumulation() == 1 ? l : Scalars.div(l, settings.accumulation()));
          }
        }
      }
      p.forEach((k, v) -> parts.merge(k, (double) v / settings.accumulation(), Double::sum));
      return loss;
    } finally {
      managers.forEach(NDManager::close);
    }
  }

  /**
   * Adds every other replica's gradients into the first replica's and zeroes them (data
   * parallelism).
   *
   * @param sm owns the copies
   */
  private void reduceGradients(NDManager sm) {
    Device home = model.manager().getDevice();
    for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
      NDArray sum = gradient(e.getValue());
      if (sum != null) {
        sum.attach(sm);
      }
      for (int k = 1; k < replicas.size(); k++) {
        NDArray g = gradient(replicas.get(k).trainable().get(e.getKey()));
        if (g == null) {
          continue;
        }
        g.attach(sm);
        if (sum == null) {
          throw new IllegalStateException(
              settings.stage()
                  + ": weight "
                  + e.getKey()
                  + " has a gradient on replica "
                  + k
                  + " but none on replica 0");
        }
        NDArray here = g.toDevice(home, true);
        here.attach(sm);
        sum.addi(here);
        zero(g);
      }
    }
  }

  /**
   * Copies the first replica's weights into the others (after each update, and at the start so that
   * the replicas begin alike whatever built them).
   *
   * @param names the weights to copy
   */
  private void broadcast(Set<String> names) {
    if (replicas.size() == 1) {
      return;
    }
    try (NDManager sm = model.manager().newSubManager()) {
      Map<String, NDArray> source = model.parameters();
      for (int k = 1; k < replicas.size(); k++) {
        Map<String, NDArray> target = replicas.get(k).model().parameters();
        for (String name : names) {
          NDArray to = target.get(name);
          NDArray copy = source.get(name).toDevice(to.getDevice(), true);
          copy.attach(sm);
          to.set(new NDIndex("..."), copy);
        }
      }
    }
  }

  /** Clips, updates and zeroes the gradients; returns the norm before clipping. */
  private double update(AdamW adam, double lr, int t) {
    try (NDManager sm = model.manager().newSubManager()) {
      if (replicas.size() > 1) {
        reduceGradients(sm);
      }
      Map<String, NDArray> grads = new LinkedHashMap<>();
      List<NDArray> raw = new ArrayList<>();
      double sq = 0;
      for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
        NDArray g = gradient(e.getValue());
        if (g == null) {
          continue;
        }
        g.attach(sm);
        raw.add(g);
        if (settings.mixedPrecision()) {
          g = copyAs(g, DataType.FLOAT32);
          g.attach(sm);
          g.muli((float) (1 / lossScale));
        }
        grads.put(e.getKey(), g);
        sq += g.square().sum().getFloat();
      }
      double norm = Math.sqrt(sq);
      if (!Double.isFinite(norm)) {
        // a non-finite gradient (an overflow): skip the update, as a loss scaler does, and say so
        // in the log
        List<String> bad = new ArrayList<>();
        grads.forEach(
            (k, g) -> {
              if (!Double.isFinite(g.square().sum().getFloat())) {
                bad.add(k);
              }
            });
        raw.forEach(TrainingLoop::zero);
        if (settings.mixedPrecision()) {
          // the loss scale overflowed float16: halve it and skip the step (dynamic loss scaling)
          lossScale = Math.max(MIN_LOSS_SCALE, lossScale / 2);
          goodSteps = 0;
          listener.onMessage(
              settings.stage()
                  + ": step "
                  + t
                  + " skipped, non-finite float16 gradient in "
                  + bad.size()
                  + " weights ("
                  + bad.get(0)
                  + (bad.size() > 1 ? ", ..." : "")
                  + "); loss scale now "
                  + lossScale);
          return norm;
        }
        listener.onMessage(
            settings.stage() + ": step " + t + " skipped, non-finite gradient in " + bad);
        return norm;
      }
      double clip = settings.clipGradNorm();
      if (clip > 0 && norm > clip) {
        float scale = (float) (clip / (norm + 1e-6));
        grads.values().forEach(g -> g.muli(scale));
      }
      for (Map.Entry<String, NDArray> e : grads.entrySet()) {
        if (settings.mixedPrecision()) {
          NDArray master = masters.get(e.getKey());
          adam.update(
              e.getKey(),
              master,
              e.getValue(),
              lr * settings.optimizer().lrFactor(e.getKey()),
              t,
              sm);
          NDArray weight = trainable.get(e.getKey());
          NDArray copy =
              copyAs(master, weight.getDataType()); // float16, or float32 for logit_scale
          copy.attach(sm);
          weight.muli(0).addi(copy);
        } else {
          adam.update(
              e.getKey(),
              trainable.get(e.getKey()),
              e.getValue(),
              lr * settings.optimizer().lrFactor(e.getKey()),
              t,
              sm);
        }
      }
      raw.forEach(TrainingLoop::zero);
      if (settings.mixedPrecision() && ++goodSteps % GROWTH_INTERVAL == 0) {
        lossScale *= 2;
      }
      return norm;
    }
  }

  /**
   * Zeroes a gradient in place. Not {@code muli(0)}: an overflowed gradient holds inf, and inf * 0
   * is NaN, which PyTorch would then accumulate into every later step's gradient.
   */
  private static void zero(NDArray gradient) {
    gradient.set(new NDIndex("..."), 0);
  }

  /**
   * The accumulated gradient, or null for a weight the loss did not reach (PyTorch leaves its grad
   * undefined).
   */
  private static NDArray gradient(NDArray weight) {
    try {
      return weight.getGradient();
    } catch (IllegalStateException e) {
      return null;
    }
  }

  private Path checkpoint(int step, AdamW adam, double loss) throws IOException {
    String name = String.format(Locale.ROOT, "checkpoint-%06d", step);
    Path tmp = stageDir.resolve(name + ".tmp");
    Path dir = stageDir.resolve(name);
    deleteTree(tmp);
    Files.createDirectories(tmp);
    model.save(tmp);
    SafetensorsWriter w = new SafetensorsWriter();
    for (Map.Entry<String, NDArray> e : adam.state().entrySet()) {
      w.addF32(e.getKey(), e.getValue().getShape().getShape(), Devices.floats(e.getValue()));
    }
    w.write(tmp.resolve(OPTIMIZER));
    ObjectNode state = new ObjectMapper().createObjectNode();
    state.put("stage", settings.stage());
    state.put("step", step);
    state.put("steps", settings.steps());
    state.put("seed", settings.seed());
    state.put("loss", loss);
    Files.writeString(tmp.resolve(STATE), state.toPrettyString(), StandardCharsets.UTF_8);
    deleteTree(dir);
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    return dir;
  }

  /**
   * Deletes a folder and everything in it, if it exists.
   *
   * @param dir the folder
   * @throws IOException when a file cannot be deleted
   */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private List<String> header() {
    List<String> h =
        new ArrayList<>(
            List.of("step", "epoch", "lr", "loss", "grad_norm", "samples_per_s", "elapsed_s"));
    h.addAll(objective.partNames());
    return h;
  }

  private void appendLog(StepReport r, long epoch) throws IOException {
    Path log = stageDir.resolve(LOG);
    StringBuilder sb = new StringBuilder();
    if (!Files.exists(log)) {
      sb.append(String.join(",", header())).append('\n');
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%d,%d,%.6g,%.6f,%.6g,%.1f,%.3f",
            r.step(),
            epoch,
            r.learningRate(),
            r.loss(),
            r.gradNorm(),
            r.samplesPerSecond(),
            r.elapsedSeconds()));
    for (String p : objective.partNames()) {
      sb.append(String.format(Locale.ROOT, ",%.6f", r.parts().getOrDefault(p, Double.NaN)));
    }
    sb.append('\n');
    Files.writeString(
        log, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private void trimLog(int step) throws IOException {
    Path log = stageDir.resolve(LOG);
    if (!Files.exists(log)) {
      return;
    }
    List<String> keep = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      if (keep.isEmpty() || Integer.parseInt(line.substring(0, line.indexOf(','))) <= step) {
        keep.add(line);
      }
    }
    Files.write(log, keep, StandardCharsets.UTF_8);
  }

  private List<Double> readLosses() {
    try {
      List<String> lines = Files.readAllLines(stageDir.resolve(LOG), StandardCharsets.UTF_8);
      List<Double> out = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        out.add(Double.parseDouble(line.split(",")[3]));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @return the log file's name inside a stage folder
   */
  public static String logFile() {
    return LOG;
  }

  /**
   * A new array holding {@code a} in {@code type}. DJL 0.36's {@code toType(type, true)} returns a
   * view, not a copy, when {@code a} already has that type, so a float32 master made that way
   * aliased its weight (and the copy back after each step zeroed the temperature).
   */
  private static NDArray copyAs(NDArray a, DataType type) {
    return a.getDataType() == type ? a.duplicate() : a.toType(type, true);
  }
}
