package io.vleval.training.device;

import ai.djl.engine.Engine;
import io.vleval.api.config.DatasetEntry;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.ImageSource;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.RgbImage;
import io.vleval.training.Training;
import io.vleval.training.data.TrainingData;
import io.vleval.training.loop.StepReport;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.spec.ModelInitSpec;
import io.vleval.training.spec.OptimizerSpec;
import io.vleval.training.spec.ScheduleSpec;
import io.vleval.training.spec.StageKind;
import io.vleval.training.spec.StageSpec;
import io.vleval.training.spec.TrainConfigLoader;
import io.vleval.training.spec.TrainSettings;
import io.vleval.training.spec.TrainSpec;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * The GPU check of the training stages, run by {@code model-internvl/src/test/gpu/run-on-gpu.sh}
 * after the model's {@code GpuCheck} on a machine with a CUDA build of libtorch (not by the test
 * suite: CI has no GPU): stage 1 and stage 3 on {@code gpu:0} in float32 and mixed float16 must
 * lower their loss with few skipped steps, and data parallelism over replicas must agree with one
 * device step by step, and stage 1's zero-shot task (its {@code eval:} list, through the runner)
 * must beat chance. On a machine without a GPU it runs the same on the CPU (a rehearsal).
 */
public final class TrainingGpuCheck {

  private static final List<String> PROBLEMS = new ArrayList<>();

  private TrainingGpuCheck() {}

  /**
   * Runs the check.
   *
   * @param args ignored
   */
  public static void main(String[] args) throws Exception {
    Engine engine = Engine.getEngine("PyTorch");
    String device = engine.getGpuCount() > 0 ? "gpu:0" : "cpu";
    System.out.println("training check on " + device);
    training(device);
    System.out.println(
        PROBLEMS.isEmpty()
            ? "TRAINING GPU CHECK PASSED"
            : "TRAINING GPU CHECK FAILED: " + PROBLEMS);
    System.exit(PROBLEMS.isEmpty() ? 0 : 1);
  }

  private static void training(String device) throws Exception {
    String[] colours = {"red", "green", "blue", "yellow", "purple", "white"};
    int[][] rgb = {
      {220, 30, 30}, {30, 200, 40}, {40, 60, 230}, {240, 220, 30}, {150, 40, 170}, {250, 250, 250}
    };
    SplittableRandom r = new SplittableRandom(3);
    List<LabelledImage> train = new ArrayList<>();
    List<LabelledImage> val = new ArrayList<>();
    List<CaptionedImage> capTrain = new ArrayList<>();
    List<CaptionedImage> capTest = new ArrayList<>();
    for (int i = 0; i < 180; i++) {
      int c = i % colours.length;
      RgbImage img = square(rgb[c], r);
      String caption = "a " + colours[c] + " square";
      if (i < 120) {
        train.add(new LabelledImage("t" + i, ImageSource.of(img, "t" + i), c));
        capTrain.add(new CaptionedImage("c" + i, ImageSource.of(img, "c" + i), List.of(caption)));
      } else {
        val.add(new LabelledImage("v" + i, ImageSource.of(img, "v" + i), c));
        capTest.add(new CaptionedImage("d" + i, ImageSource.of(img, "d" + i), List.of(caption)));
      }
    }
    List<String> names = Arrays.stream(colours).map(c -> c + " square").toList();
    TrainingData data =
        TrainingData.of(
            names, train, val, capTrain, capTest, List.of(), List.of(), Training.imageSize());
    // the held-out squares as an image folder, for the zero-shot task of stage 1's eval: list
    Path squares = Files.createTempDirectory("vleval-gpu-squares");
    for (LabelledImage v : val) {
      Path file = squares.resolve(names.get(v.label())).resolve(v.id() + ".png");
      Files.createDirectories(file.getParent());
      RgbImage img = v.image().load();
      BufferedImage b = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < img.height(); y++) {
        for (int x = 0; x < img.width(); x++) {
          int k = (y * img.width() + x) * 3;
          b.setRGB(
              x,
              y,
              (img.rgb()[k] & 0xff) << 16
                  | (img.rgb()[k + 1] & 0xff) << 8
                  | (img.rgb()[k + 2] & 0xff));
        }
      }
      ImageIO.write(b, "png", file.toFile());
    }
    for (String precision : List.of("float32", TrainSettings.MIXED_FLOAT16)) {
      trainOnce(device, precision, data, squares);
    }
    dataParallel(device, data);
    // stage 3 with the shipped recipe's options, on a random tiny-chat model reading 112 px squares
    TrainingData large =
        TrainingData.of(names, train, val, capTrain, capTest, List.of(), List.of(), 112);
    for (String precision : List.of("float32", TrainSettings.MIXED_FLOAT16)) {
      sftOnce(device, precision, large);
    }
  }

  /**
   * 150 SFT steps of 16 (text replies, InternViT at a tenth of the rate, 112 px): the loss must
   * fall by a third and no more than a few steps may be skipped for a float16 overflow.
   */
  private static void sftOnce(String device, String precision, TrainingData data) throws Exception {
    StageSpec stage =
        new StageSpec(
            "sft",
            StageKind.SFT,
            new ModelInitSpec("tiny-chat", null, null, 0L, 64, 2, 112),
            150,
            16,
            1,
            new OptimizerSpec(1e-3, null, null, 0.0, 1e-4),
            new ScheduleSpec(5, 0.1),
            1.0,
            null,
            null,
            List.of("llm", "vision"),
            "text");
    List<String> messages = new ArrayList<>();
    Training.StageOutcome o = runStage(stage, device, precision, data, messages);
    double first = o.result().meanLoss(5, false);
    double last = o.result().meanLoss(5, true);
    long skipped = messages.stream().filter(m -> m.contains("skipped")).count();
    System.out.printf(
        Locale.ROOT,
        "training\t%s\t%s\tsft 112 px 150 steps of 16\tloss %.3f -> %.3f\t%.1f s, %.0f samples/s\t"
            + "%d skipped\t%s%n",
        device,
        precision,
        first,
        last,
        o.result().seconds(),
        o.result().samplesPerSecond(),
        skipped,
        o.metrics());
    if (!(last < 0.67 * first) || skipped > 5) {
      PROBLEMS.add(
          "sft on "
              + device
              + " in "
              + precision
              + ": loss "
              + first
              + " -> "
              + last
              + ", "
              + skipped
              + " skipped");
    }
  }

  /** Runs one stage on a device in a precision, collecting the loop's messages. */
  private static Training.StageOutcome runStage(
      StageSpec stage, String device, String precision, TrainingData data, List<String> messages)
      throws Exception {
    return runStage(stage, List.of(), device, precision, data, messages);
  }

  /** Runs one stage with named datasets (its eval: tasks read them). */
  private static Training.StageOutcome runStage(
      StageSpec stage,
      List<DatasetEntry> datasets,
      String device,
      String precision,
      TrainingData data,
      List<String> messages)
      throws Exception {
    Path out = Files.createTempDirectory("vleval-gpu-" + stage.name());
    TrainSpec spec =
        new TrainSpec(
            new TrainSettings("gpu", 0L, out, 0, device, precision),
            null,
            List.of(stage),
            datasets);
    return new Training(
            spec,
            data,
            out,
            new TrainingListener() {
              @Override
              public void onStep(StepReport report) {}

              @Override
              public void onMessage(String m) {
                messages.add(m);
              }
            })
        .run(false)
        .get(0);
  }

  /**
   * Data parallelism on the device: 20 contrastive steps of 16 on one replica, on two replicas of
   * the same device, and, when PyTorch sees several GPUs, on every GPU ({@code auto}); the losses
   * must agree step by step (within 1e-3 relative: the replicas add gradients in another order).
   */
  private static void dataParallel(String device, TrainingData data) throws Exception {
    List<String> devices = new ArrayList<>(List.of(device + "," + device));
    if (Engine.getEngine("PyTorch").getGpuCount() > 1) {
      devices.add("auto");
    }
    StageSpec stage =
        new StageSpec(
            "dp",
            StageKind.CONTRASTIVE,
            new ModelInitSpec("tiny-internvl", null, null, 0L, null, null),
            20,
            16,
            1,
            new OptimizerSpec(2e-3, null, null, null),
            new ScheduleSpec(5, 0.1),
            1.0,
            null,
            null,
            null);
    Training.StageOutcome one = runStage(stage, device, "float32", data, new ArrayList<>());
    for (String replicas : devices) {
      List<String> messages = new ArrayList<>();
      Training.StageOutcome o = runStage(stage, replicas, "float32", data, messages);
      double worst = 0;
      for (int i = 0; i < one.result().losses().size(); i++) {
        double a = one.result().losses().get(i);
        worst =
            Math.max(worst, Math.abs(o.result().losses().get(i) - a) / Math.max(1, Math.abs(a)));
      }
      System.out.printf(
          Locale.ROOT,
          "training	data-parallel %s against %s	20 steps of 16	largest relative loss difference %.2e"
              + "	%.1f s against %.1f s	%s%n",
          replicas,
          device,
          worst,
          o.result().seconds(),
          one.result().seconds(),
          messages.stream().filter(m -> m.contains("data-parallel")).findFirst().orElse(""));
      if (!(worst < 1e-3)) {
        PROBLEMS.add("data-parallel " + replicas + ": losses differ from one device's by " + worst);
      }
    }
  }

  /**
   * 150 contrastive steps of 16, then the zero-shot task on the held-out squares through the runner
   * (on the same device, in float16 after mixed precision): the loss must fall by a tenth and the
   * accuracy beat chance.
   */
  private static void trainOnce(String device, String precision, TrainingData data, Path squares)
      throws Exception {
    Path recipe = Files.createTempDirectory("vleval-gpu-recipe").resolve("recipe.yaml");
    Files.writeString(
        recipe,
        String.format(
            Locale.ROOT,
            """
            datasets:
              - {name: squares-val, type: imagefolder, root: '%s'}
            stages:
              - name: c
                kind: contrastive
                model: {preset: tiny-internvl, seed: 0}
                steps: 150
                batch_size: 16
                optimizer: {lr: 2.0e-3}
                schedule: {warmup_steps: 10, min_lr_ratio: 0.1}
                eval:
                  - {name: zero-shot, type: zero-shot-classification, dataset: squares-val}
            """,
            squares));
    TrainSpec loaded = TrainConfigLoader.load(recipe);
    List<String> messages = new ArrayList<>();
    Training.StageOutcome o =
        runStage(loaded.stages().get(0), loaded.datasets(), device, precision, data, messages);
    double first = o.result().meanLoss(5, false);
    double last = o.result().meanLoss(5, true);
    double acc = o.metrics().getOrDefault("zero-shot.acc1", Double.NaN);
    System.out.printf(
        Locale.ROOT,
        "training\t%s\t%s\tcontrastive 150 steps of 16\tloss %.3f -> %.3f\t%.1f s, %.0f samples/s\t%s%n",
        device,
        precision,
        first,
        last,
        o.result().seconds(),
        o.result().samplesPerSecond(),
        o.metrics());
    messages.stream()
        .filter(m -> m.contains("skipped"))
        .forEach(m -> System.out.println("training\t" + m));
    if (!(last < 0.9 * first) || !(acc > 1.0 / 6)) {
      PROBLEMS.add(
          "training on "
              + device
              + " in "
              + precision
              + ": loss "
              + first
              + " -> "
              + last
              + ", zero-shot "
              + acc);
    }
  }

  private static RgbImage square(int[] colour, SplittableRandom r) {
    int s = 56;
    byte[] px = new byte[s * s * 3];
    Arrays.fill(px, (byte) 110);
    int side = 16 + r.nextInt(16);
    int x0 = r.nextInt(s - side);
    int y0 = r.nextInt(s - side);
    for (int y = y0; y < y0 + side; y++) {
      for (int x = x0; x < x0 + side; x++) {
        for (int k = 0; k < 3; k++) {
          px[(y * s + x) * 3 + k] = (byte) colour[k];
        }
      }
    }
    return new RgbImage(s, s, px);
  }
}
