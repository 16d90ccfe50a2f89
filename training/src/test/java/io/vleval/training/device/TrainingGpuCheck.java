package io.vleval.training.device;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.config.ConfigLocation;
import io.vleval.api.config.DatasetEntry;
import io.vleval.api.config.OnError;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.ImageSource;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.RgbImage;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.datasets.captions.KarpathyProvider;
import io.vleval.datasets.imagefolder.ImageFolderProvider;
import io.vleval.datasets.mmbench.MmbenchTsvProvider;
import io.vleval.training.Training;
import io.vleval.training.data.ImagePixels;
import io.vleval.training.data.TrainingDatasets;
import io.vleval.training.data.TrainingInputs;
import io.vleval.training.loop.StepReport;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.spec.DataSpec;
import io.vleval.training.spec.ModelInitSpec;
import io.vleval.training.spec.OptimizerSpec;
import io.vleval.training.spec.ScheduleSpec;
import io.vleval.training.spec.StageKind;
import io.vleval.training.spec.StageSpec;
import io.vleval.training.spec.TrainConfigLoader;
import io.vleval.training.spec.TrainSettings;
import io.vleval.training.spec.TrainSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * The GPU check of the training stages, run by {@code model-internvl/src/test/gpu/run-on-gpu.sh}
 * after the model's {@code GpuCheck} on a machine with a CUDA build of libtorch (not by the test
 * suite: CI has no GPU): stage 1 and stage 3 on {@code gpu:0} in float32 and mixed float16 must
 * lower their loss with few skipped steps, and data parallelism over replicas must agree with one
 * device step by step. On a machine without a GPU it runs the same on the CPU (a rehearsal).
 */
public final class TrainingGpuCheck {

  private static final List<String> PROBLEMS = new ArrayList<>();

  /** The held-out squares the in-process metrics read. */
  private static final List<LabelledImage> VAL = new ArrayList<>();

  private static final List<CaptionedImage> CAPTION_TEST = new ArrayList<>();
  private static final List<String> CLASS_NAMES = new ArrayList<>();

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
    Path data = squares(Files.createTempDirectory("vleval-gpu-data"), colours, rgb);
    for (String precision : List.of("float32", TrainSettings.MIXED_FLOAT16)) {
      trainOnce(device, precision, data);
    }
    dataParallel(device, data);
    // stage 3 with the shipped recipe's options, on a random tiny-chat model reading 112 px squares
    for (String precision : List.of("float32", TrainSettings.MIXED_FLOAT16)) {
      sftOnce(device, precision, data);
    }
  }

  /**
   * Writes 120 coloured squares in the layouts the stages read: class folders ({@code
   * train/<colour>_square/}, with {@code classnames.json}), a Karpathy JSON with one caption each
   * ({@code captions.json}) and an MMBench TSV asking each square's colour ({@code questions.tsv}).
   */
  private static Path squares(Path dir, String[] colours, int[][] rgb) throws Exception {
    SplittableRandom r = new SplittableRandom(3);
    ObjectMapper json = new ObjectMapper();
    Map<String, String> names = new LinkedHashMap<>();
    List<Map<String, Object>> images = new ArrayList<>();
    StringBuilder tsv =
        new StringBuilder(
            "index\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\tl2-category\tsplit\timage\n");
    for (int i = 0; i < 180; i++) {
      int c = i % colours.length;
      String folder = colours[c] + "_square";
      names.put(folder, colours[c] + " square");
      BufferedImage img = square(rgb[c], r);
      if (i >= 120) {
        // held out: an image folder for the zero-shot task of stage 1's eval: list
        Files.createDirectories(dir.resolve("val").resolve(folder));
        ImageIO.write(img, "png", dir.resolve("val").resolve(folder).resolve(i + ".png").toFile());
        RgbImage held = rgbOf(img);
        VAL.add(new LabelledImage("v" + i, ImageSource.of(held, "v" + i), c));
        CAPTION_TEST.add(
            new CaptionedImage(
                "d" + i, ImageSource.of(held, "d" + i), List.of("a " + colours[c] + " square")));
        continue;
      }
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(img, "png", png);
      Files.createDirectories(dir.resolve("train").resolve(folder));
      Files.write(dir.resolve("train").resolve(folder).resolve(i + ".png"), png.toByteArray());
      Files.createDirectories(dir.resolve("img"));
      Files.write(dir.resolve("img").resolve(i + ".png"), png.toByteArray());
      images.add(
          Map.of(
              "filepath",
              "img",
              "filename",
              i + ".png",
              "imgid",
              i,
              "split",
              "train",
              "sentences",
              List.of(Map.of("raw", "a " + colours[c] + " square"))));
      String wrong = colours[(c + 1 + r.nextInt(colours.length - 1)) % colours.length];
      boolean first = r.nextBoolean();
      tsv.append(i)
          .append("\tWhat colour is the square?\t\t")
          .append(first ? colours[c] : wrong)
          .append('\t')
          .append(first ? wrong : colours[c])
          .append("\t\t\t")
          .append(first ? "A" : "B")
          .append("\tattribute_recognition\tl2\ttrain\t")
          .append(Base64.getEncoder().encodeToString(png.toByteArray()))
          .append('\n');
    }
    Files.writeString(dir.resolve("train/classnames.json"), json.writeValueAsString(names));
    Files.writeString(dir.resolve("val/classnames.json"), json.writeValueAsString(names));
    CLASS_NAMES.addAll(names.values());
    Files.writeString(
        dir.resolve("captions.json"), json.writeValueAsString(Map.of("images", images)));
    Files.writeString(dir.resolve("questions.tsv"), tsv);
    return dir;
  }

  /** The squares as a recipe's datasets, and each stage given its kind's. */
  private static TrainSpec spec(TrainSettings settings, StageSpec stage, Path data) {
    ConfigLocation here = new ConfigLocation("gpu-check", 1, 1);
    List<DatasetEntry> datasets =
        List.of(
            new DatasetEntry(
                "squares",
                "imagefolder",
                OnError.FAIL,
                new ImageFolderProvider.Spec(
                    data.resolve("train"),
                    data.resolve("train/classnames.json"),
                    null,
                    null,
                    null,
                    null),
                here),
            new DatasetEntry(
                "captions",
                "karpathy",
                OnError.FAIL,
                new KarpathyProvider.Spec(data.resolve("captions.json"), null, List.of("train")),
                here),
            new DatasetEntry(
                "questions",
                "mmbench-tsv",
                OnError.FAIL,
                new MmbenchTsvProvider.Spec(data.resolve("questions.tsv")),
                here));
    DataSpec trainsOn =
        stage.kind() == StageKind.SFT
            ? new DataSpec(List.of("captions"), null, null, null, List.of("questions"), null, true)
            : new DataSpec(List.of("captions"), null, List.of("squares"), null, null, null, null);
    return new TrainSpec(settings, List.of(stage.withData(trainsOn)), datasets);
  }

  /**
   * 150 SFT steps of 16 (text replies, InternViT at a tenth of the rate, 112 px): the loss must
   * fall by a third and no more than a few steps may be skipped for a float16 overflow.
   */
  private static void sftOnce(String device, String precision, Path data) throws Exception {
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
      StageSpec stage, String device, String precision, Path data, List<String> messages)
      throws Exception {
    Path out = Files.createTempDirectory("vleval-gpu-" + stage.name());
    return runStage(
        spec(new TrainSettings("gpu", 0L, out, 0, device, precision), stage, data), out, messages);
  }

  /** Runs a recipe's first stage into {@code out}, collecting the loop's messages. */
  private static Training.StageOutcome runStage(TrainSpec spec, Path out, List<String> messages) {
    return new Training(
            spec,
            new TrainingInputs(
                new TrainingDatasets(
                    spec,
                    PluginRegistry.discover(TrainingGpuCheck.class.getClassLoader()),
                    new PluginContext(0, out, 2)),
                ImagePixels.defaultCapacity(),
                messages::add),
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
  private static void dataParallel(String device, Path data) throws Exception {
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
  private static void trainOnce(String device, String precision, Path data) throws Exception {
    Path out = Files.createTempDirectory("vleval-gpu-c");
    Path recipe = out.resolve("recipe.yaml");
    Files.writeString(
        recipe,
        String.format(
            Locale.ROOT,
            """
            train: {name: gpu, seed: 0, out: '%s', device: '%s', precision: %s}
            datasets:
              - {name: squares, type: imagefolder, root: '%s', class_names: '%s'}
              - {name: captions, type: karpathy, annotations: '%s', splits: [train]}
              - {name: squares-val, type: imagefolder, root: '%s', class_names: '%s'}
            stages:
              - name: c
                kind: contrastive
                model: {preset: tiny-internvl, seed: 0}
                data: {captions: captions, labelled: squares}
                steps: 150
                batch_size: 16
                optimizer: {lr: 2.0e-3}
                schedule: {warmup_steps: 10, min_lr_ratio: 0.1}
                eval:
                  - {name: zero-shot, type: zero-shot-classification, dataset: squares-val}
            """,
            out,
            device,
            precision,
            data.resolve("train"),
            data.resolve("train/classnames.json"),
            data.resolve("captions.json"),
            data.resolve("val"),
            data.resolve("val/classnames.json")));
    TrainSpec spec = TrainConfigLoader.load(recipe);
    List<String> messages = new ArrayList<>();
    Training.StageOutcome o = runStage(spec, out, messages);
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

  private static RgbImage rgbOf(BufferedImage img) {
    byte[] rgb = new byte[img.getWidth() * img.getHeight() * 3];
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int p = img.getRGB(x, y);
        int o = (y * img.getWidth() + x) * 3;
        rgb[o] = (byte) (p >> 16);
        rgb[o + 1] = (byte) (p >> 8);
        rgb[o + 2] = (byte) p;
      }
    }
    return new RgbImage(img.getWidth(), img.getHeight(), rgb);
  }

  private static BufferedImage square(int[] colour, SplittableRandom r) {
    int s = 56;
    BufferedImage img = new BufferedImage(s, s, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < s; y++) {
      for (int x = 0; x < s; x++) {
        img.setRGB(x, y, 0x6e6e6e);
      }
    }
    int side = 16 + r.nextInt(16);
    int x0 = r.nextInt(s - side);
    int y0 = r.nextInt(s - side);
    int c = colour[0] << 16 | colour[1] << 8 | colour[2];
    for (int y = y0; y < y0 + side; y++) {
      for (int x = x0; x < x0 + side; x++) {
        img.setRGB(x, y, c);
      }
    }
    return img;
  }
}
