package io.vleval.datasets.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vleval.api.error.VlevalException;
import io.vleval.api.sample.RgbImage;
import io.vleval.datasets.failure.FailureText;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes the synthetic suite: a procedurally generated world of coloured shapes on textured
 * backgrounds, in the very layouts the public datasets use, so every loader reads it as it would
 * read the real thing.
 *
 * <pre>
 * OUT/suite.json                                  seed, scale, version
 * OUT/classification/{train,val}/&lt;colour_shape&gt;/*.jpg   + classnames.json (folder -&gt; name)
 * OUT/ADEChallengeData2016/{images,annotations}/{training,validation}/ADE_*.{jpg,png}
 * OUT/captions/dataset_coco.json, images/*.jpg    Karpathy split (train/val/test), 5 captions each
 * OUT/captions/captions_test.json                 the test split in COCO caption format
 * OUT/captions/dataset_coco_zh.json               the same images, ids and splits, 5 Chinese captions each
 * OUT/kinetics/{train,val}.csv, videos/{train,val}/&lt;id&gt;_&lt;start&gt;_&lt;end&gt;.mp4
 * OUT/mmbench/mmbench_dev_en.tsv                  with circular variants
 * OUT/mmbench-train/mmbench_train_en.tsv          questions about the training images (instruction tuning)
 * OUT/xtd/images/*.jpg, test_image_names.txt, test_1kcaptions_{en,zh}.txt
 * OUT/msrvtt/msrvtt_test1k.json, videos/all/video&lt;N&gt;.mp4   MSR-VTT retrieval, one caption a clip
 * OUT/pope/, OUT/mme/, OUT/scienceqa/             POPE, MME and ScienceQA layouts ({@link ClosedBenchmarks})
 * OUT/{vqav2,textvqa,vizwiz,gqa}/...              VQA-family layouts (see {@link VqaParts})
 * OUT/mmvet/mm-vet.json, images/v1_N.png          MM-Vet's layout (see {@link MmvetPart})
 * </pre>
 *
 * <p>Each part draws from its own random stream derived from the seed, so the same seed gives the
 * same bytes, part by part, whatever runs in parallel. The suite is written into a temporary folder
 * and moved into place last, so a half-written suite never looks complete.
 */
public final class SyntheticSuite {

  /**
   * Names the cache folder: raised whenever the suite gains or changes a file, so a suite cached by
   * an older version is generated afresh rather than read with a file missing. 2 added {@code
   * captions/dataset_coco_zh.json}; every file of version 1 is byte-identical in version 2 except
   * the version number in {@code suite.json}. 3 redrew the video part ({@code kinetics/}): its 6
   * classes were bare motions of a random object, which a model that averages frame embeddings
   * cannot tell apart, and are now {@link #VIDEO_CLASSES}, each a fixed object doing its own
   * motion, with 8 validation clips per class at the small scale instead of 4 (24 at medium instead
   * of 12); every other file is byte-identical to version 2 except {@code suite.json}. 4 added the
   * MSR-VTT part ({@code msrvtt/}); every file of version 3 is byte-identical in version 4 except
   * the version number in {@code suite.json}. 5 added the POPE, MME and ScienceQA parts ({@code
   * pope/}, {@code mme/}, {@code scienceqa/}) and the VQA-family parts ({@code vqav2/}, {@code
   * textvqa/}, {@code vizwiz/}, {@code gqa/}), each drawn from its own stream; every file of
   * version 4 is byte-identical in version 5 except the version number in {@code suite.json}. 6
   * added the MM-Vet part ({@code mmvet/}) from its own stream; every file of version 5 is
   * byte-identical in version 6 except the version number in {@code suite.json}. 7 added the {@code
   * mmbench-train} part ({@code mmbench-train/}): questions about the training images, asked from
   * the objects the classification, captions and segmentation parts drew and drawn from its own
   * stream; every file of version 6 is byte-identical in version 7 except the version number in
   * {@code suite.json}.
   */
  public static final int VERSION = 7;

  /**
   * Classes of the video part: each a fixed object doing its own motion, so that, as in Kinetics,
   * the class shows in every frame and a model that averages frame embeddings can see it. Colour
   * alone does not tell every class apart (two red, two blue), nor does shape (two of each), nor
   * does the motion, which averaging frames hides. Listed in the order the clips are written; the
   * Kinetics loader numbers the labels in sorted order.
   */
  public static final List<VideoClass> VIDEO_CLASSES =
      List.of(
          new VideoClass(Colour.RED, Shape.CIRCLE, Motion.LEFT),
          new VideoClass(Colour.BLUE, Shape.SQUARE, Motion.RIGHT),
          new VideoClass(Colour.GREEN, Shape.TRIANGLE, Motion.UP),
          new VideoClass(Colour.YELLOW, Shape.CIRCLE, Motion.DOWN),
          new VideoClass(Colour.RED, Shape.SQUARE, Motion.GROWING),
          new VideoClass(Colour.BLUE, Shape.TRIANGLE, Motion.SHRINKING));

  /**
   * Rendered images waiting for their encoder, per part: bounds what a large suite holds in memory
   * while the part's own thread draws the next scenes.
   */
  private static final int IN_FLIGHT = 64;

  private final long seed;
  private final SuiteSize size;

  public SyntheticSuite(long seed, Scale scale) {
    this(seed, scale.size());
  }

  /** A suite of any size, such as a reduced copy of a large one ({@link SuiteSize#dividedBy}). */
  public SyntheticSuite(long seed, SuiteSize size) {
    this.seed = seed;
    this.size = size;
  }

  /** Classes of the classification part, in label order: colour x shape. */
  public static List<String> classFolders() {
    List<String> out = new ArrayList<>();
    for (Colour c : Colour.values()) {
      for (Shape s : Shape.values()) {
        out.add(c.english() + "_" + s.english());
      }
    }
    return out;
  }

  /**
   * Writes the suite into {@code out}, which must not exist yet.
   *
   * @param threads parts written in parallel, and images encoded in parallel
   */
  public void write(Path out, int threads) {
    write(out, threads, () -> {});
  }

  /**
   * Writes the suite into {@code out}, which must not exist yet. Each part draws its scenes in
   * order from its own random stream and hands their rendering and encoding to a pool of {@code
   * threads}, so the bytes do not depend on the number of threads.
   *
   * @param threads parts written in parallel, and images encoded in parallel
   * @param onImage called (from any thread) once an image, scene, clip or question of {@link
   *     SuiteSize#images()} is written
   */
  public void write(Path out, int threads, Runnable onImage) {
    if (Files.exists(out)) {
      throw new VlevalException(
          out + ": already exists; the synthetic suite is written into a new folder");
    }
    Path tmp = out.resolveSibling(out.getFileName() + ".partial-" + ProcessHandle.current().pid());
    try {
      deleteRecursively(tmp);
      Files.createDirectories(tmp);
      TrainingImages trained = new TrainingImages();
      List<Part> parts =
          List.of(
              (dir, enc) -> classification(dir, enc, trained),
              (dir, enc) -> segmentation(dir, enc, trained),
              (dir, enc) -> captions(dir, enc, trained),
              this::videos,
              this::mmbench,
              this::xtd,
              this::msrvtt,
              this::closedBenchmarks,
              this::vqa,
              this::mmvet);
      ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
      ExecutorService encoders = Executors.newFixedThreadPool(Math.max(1, threads));
      Encoder encoder = new Encoder(encoders, onImage);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (Part part : parts) {
          futures.add(
              pool.submit(
                  () -> {
                    part.write(tmp, encoder);
                    return null;
                  }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
        // after the parts it asks about, from the files they wrote
        mmbenchTrain(tmp, trained);
      } finally {
        pool.shutdownNow();
        encoders.shutdownNow();
        // nothing may still write into the folder that a failure is about to delete
        pool.awaitTermination(1, TimeUnit.MINUTES);
        encoders.awaitTermination(1, TimeUnit.MINUTES);
      }
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("generator", "vleval synthetic suite");
      manifest.put("version", VERSION);
      manifest.put("seed", seed);
      manifest.put("scale", size.name());
      Files.writeString(tmp.resolve("suite.json"), json().writeValueAsString(manifest) + "\n");
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
    } catch (ExecutionException e) {
      cleanUp(tmp, e);
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new VlevalException(
          out + ": writing the synthetic suite failed: " + FailureText.of(cause), cause);
    } catch (IOException e) {
      cleanUp(tmp, e);
      throw new VlevalException(
          out + ": writing the synthetic suite failed: " + FailureText.of(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cleanUp(tmp, e);
      throw new VlevalException(out + ": interrupted while writing the synthetic suite", e);
    }
  }

  /** One part of the suite, written under the suite's root. */
  @FunctionalInterface
  private interface Part {
    void write(Path root, Encoder encoder) throws IOException;
  }

  /** Writes one or more files of one image, scene, clip or question. */
  @FunctionalInterface
  private interface ImageJob {
    void write() throws IOException;
  }

  /** Renders and encodes the images of every part on one shared pool. */
  private record Encoder(ExecutorService pool, Runnable onImage) {

    Window window() {
      return new Window(this);
    }

    <T> Future<T> submit(Callable<T> job) {
      return pool.submit(
          () -> {
            T value = job.call();
            onImage.run();
            return value;
          });
    }
  }

  /** One part's images in flight: at most {@link #IN_FLIGHT}, all written by {@link #drain}. */
  private static final class Window {
    private final Encoder encoder;
    private final ArrayDeque<Future<Void>> pending = new ArrayDeque<>();

    Window(Encoder encoder) {
      this.encoder = encoder;
    }

    void write(ImageJob job) throws IOException {
      pending.add(
          encoder.submit(
              () -> {
                job.write();
                return null;
              }));
      while (pending.size() > IN_FLIGHT) {
        await(pending.poll());
      }
    }

    void drain() throws IOException {
      while (!pending.isEmpty()) {
        await(pending.poll());
      }
    }
  }

  /** The job's result, or its own failure (an I/O error stays one). */
  private static <T> T await(Future<T> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException stop = new InterruptedIOException("interrupted while encoding images");
      stop.initCause(e);
      throw stop;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(FailureText.of(cause), cause);
    }
  }

  private SplittableRandom stream(String part) {
    long h = seed;
    for (char c : part.toCharArray()) {
      h = (h ^ c) * 0x100000001B3L;
    }
    return new SplittableRandom(h);
  }

  private static ObjectMapper json() {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  // ---- classification: ImageNet-style folders ----

  private void classification(Path root, Encoder encoder, TrainingImages trained)
      throws IOException {
    SceneComposer composer = new SceneComposer(stream("classification"));
    Window window = encoder.window();
    Path dir = root.resolve("classification");
    Map<String, String> names = new LinkedHashMap<>();
    for (String split : List.of("train", "val")) {
      int perClass = split.equals("train") ? size.classTrainPerClass() : size.classValPerClass();
      int n = 0;
      for (Colour c : Colour.values()) {
        for (Shape s : Shape.values()) {
          String folder = c.english() + "_" + s.english();
          names.put(folder, c.english() + " " + s.english());
          for (int i = 0; i < perClass; i++) {
            Scene scene = composer.single(s, c, composer.random().nextBoolean());
            Path file =
                dir.resolve(split)
                    .resolve(folder)
                    .resolve(String.format(Locale.ROOT, "%s_%06d.jpg", split, ++n));
            window.write(() -> ImageFiles.writeJpeg(scene.render(), file));
            if (split.equals("train")) {
              trained.add(trained.classification, root.relativize(file), scene);
            }
          }
        }
      }
    }
    window.drain();
    Files.writeString(dir.resolve("classnames.json"), json().writeValueAsString(names) + "\n");
  }

  // ---- segmentation: ADE20K layout, 0 = background ----

  /** Class names of the segmentation part after {@code reduce_zero_label}, in label order. */
  public static List<String> segmentationClasses() {
    List<String> out = new ArrayList<>();
    for (Shape s : Shape.values()) {
      out.add(s.english());
    }
    return out;
  }

  private void segmentation(Path root, Encoder encoder, TrainingImages trained) throws IOException {
    SceneComposer composer = new SceneComposer(stream("segmentation"));
    Window window = encoder.window();
    Path ade = root.resolve("ADEChallengeData2016");
    for (String split : List.of("training", "validation")) {
      int count = split.equals("training") ? size.segTrain() : size.segVal();
      String prefix = split.equals("training") ? "ADE_train_" : "ADE_val_";
      for (int i = 1; i <= count; i++) {
        int[] wh = composer.size();
        Scene scene = composer.many(1 + composer.random().nextInt(4), wh[0], wh[1]);
        String stem = String.format(Locale.ROOT, "%s%08d", prefix, i);
        Path image = ade.resolve("images").resolve(split).resolve(stem + ".jpg");
        Path labels = ade.resolve("annotations").resolve(split).resolve(stem + ".png");
        window.write(
            () -> {
              ImageFiles.writeJpeg(scene.render(), image);
              ImageFiles.writePng(scene.labels(), labels);
            });
        if (split.equals("training")) {
          trained.add(trained.segmentation, root.relativize(image), scene);
        }
      }
    }
    window.drain();
    Files.writeString(ade.resolve("classes.txt"), String.join("\n", segmentationClasses()) + "\n");
  }

  // ---- captions: Karpathy JSON + COCO caption format ----

  static List<String> captionsOf(SceneComposer.Pair p) {
    String a = p.first().phrase();
    String b = p.second().phrase();
    String rel = p.relation().english;
    String inverse =
        switch (p.relation()) {
          case LEFT_OF -> "to the right of";
          case RIGHT_OF -> "to the left of";
          case ABOVE -> "below";
          case BELOW -> "above";
        };
    String where =
        switch (p.relation()) {
          case LEFT_OF -> "on the left";
          case RIGHT_OF -> "on the right";
          case ABOVE -> "at the top";
          case BELOW -> "at the bottom";
        };
    return List.of(
        "a " + a + " " + rel + " a " + b,
        "a " + b + " " + inverse + " a " + a,
        "a " + a + " and a " + b,
        "there is a " + a + " " + where,
        "a " + a + " is " + rel + " a " + b);
  }

  static String chineseCaption(SceneComposer.Pair p) {
    return p.first().chinesePhrase()
        + p.relation().chinesePrefix
        + p.second().chinesePhrase()
        + p.relation().chineseSuffix;
  }

  /**
   * The Chinese counterparts of {@link #captionsOf}, in the same order, derived from the same scene
   * with no random draw (so the rest of the suite is unchanged); the first is {@link
   * #chineseCaption}, the xtd part's phrasing.
   */
  static List<String> chineseCaptionsOf(SceneComposer.Pair p) {
    String a = p.first().chinesePhrase();
    String b = p.second().chinesePhrase();
    String inverse =
        switch (p.relation()) {
          case LEFT_OF -> "的右边";
          case RIGHT_OF -> "的左边";
          case ABOVE -> "的下面";
          case BELOW -> "的上面";
        };
    String where =
        switch (p.relation()) {
          case LEFT_OF -> "左边";
          case RIGHT_OF -> "右边";
          case ABOVE -> "上面";
          case BELOW -> "下面";
        };
    return List.of(
        chineseCaption(p),
        b + "在" + a + inverse,
        a + "和" + b,
        where + "有一个" + a,
        b + p.relation().chineseSuffix + "是" + a);
  }

  private void captions(Path root, Encoder encoder, TrainingImages trained) throws IOException {
    SceneComposer composer = new SceneComposer(stream("captions"));
    Window window = encoder.window();
    Path dir = root.resolve("captions");
    List<Map<String, Object>> images = new ArrayList<>();
    List<Map<String, Object>> chineseImages = new ArrayList<>();
    List<Map<String, Object>> cocoImages = new ArrayList<>();
    List<Map<String, Object>> cocoAnnotations = new ArrayList<>();
    int sentId = 0;
    int chineseSentId = 0;
    int imgId = 0;
    for (String split : List.of("train", "val", "test")) {
      int count =
          switch (split) {
            case "train" -> size.captionTrain();
            case "val" -> size.captionVal();
            default -> size.captionTest();
          };
      for (int i = 0; i < count; i++) {
        SceneComposer.Pair pair = composer.pair();
        String file = String.format(Locale.ROOT, "synth_%s_%06d.jpg", split, imgId);
        Path image = dir.resolve("images").resolve(file);
        window.write(() -> ImageFiles.writeJpeg(pair.scene().render(), image));
        if (split.equals("train")) {
          trained.add(trained.captions, root.relativize(image), pair.scene());
        }
        List<Map<String, Object>> sentences = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (String caption : captionsOf(pair)) {
          Map<String, Object> s = new LinkedHashMap<>();
          s.put("tokens", List.of(caption.split(" ")));
          s.put("raw", caption);
          s.put("imgid", imgId);
          s.put("sentid", sentId);
          sentences.add(s);
          ids.add(sentId);
          if (split.equals("test")) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("image_id", imgId);
            a.put("id", sentId);
            a.put("caption", caption);
            cocoAnnotations.add(a);
          }
          sentId++;
        }
        Map<String, Object> img = new LinkedHashMap<>();
        img.put("filepath", "images");
        img.put("sentids", ids);
        img.put("filename", file);
        img.put("imgid", imgId);
        img.put("split", split);
        img.put("sentences", sentences);
        img.put("cocoid", imgId);
        images.add(img);
        List<Map<String, Object>> chineseSentences = new ArrayList<>();
        List<Integer> chineseIds = new ArrayList<>();
        for (String caption : chineseCaptionsOf(pair)) {
          Map<String, Object> s = new LinkedHashMap<>();
          // Chinese has no spaces: one token per character, as character-level Chinese corpora do
          s.put("tokens", caption.codePoints().mapToObj(Character::toString).toList());
          s.put("raw", caption);
          s.put("imgid", imgId);
          s.put("sentid", chineseSentId);
          chineseSentences.add(s);
          chineseIds.add(chineseSentId++);
        }
        Map<String, Object> chineseImg = new LinkedHashMap<>(img);
        chineseImg.put("sentids", chineseIds);
        chineseImg.put("sentences", chineseSentences);
        chineseImages.add(chineseImg);
        if (split.equals("test")) {
          Map<String, Object> c = new LinkedHashMap<>();
          c.put("id", imgId);
          c.put("file_name", "images/" + file);
          c.put("width", pair.scene().width());
          c.put("height", pair.scene().height());
          cocoImages.add(c);
        }
        imgId++;
      }
    }
    window.drain();
    Map<String, Object> karpathy = new LinkedHashMap<>();
    karpathy.put("images", images);
    karpathy.put("dataset", "coco");
    Files.writeString(
        dir.resolve("dataset_coco.json"), new ObjectMapper().writeValueAsString(karpathy) + "\n");
    // a second Karpathy file beside the English one (as COCO-CN-style translations ship): same
    // images,
    // imgid and splits, so the Karpathy loader reads it unchanged and pairs align by image
    Map<String, Object> chinese = new LinkedHashMap<>();
    chinese.put("images", chineseImages);
    chinese.put("dataset", "coco");
    Files.writeString(
        dir.resolve("dataset_coco_zh.json"),
        new ObjectMapper().writeValueAsString(chinese) + "\n",
        StandardCharsets.UTF_8);
    Map<String, Object> coco = new LinkedHashMap<>();
    coco.put("images", cocoImages);
    coco.put("annotations", cocoAnnotations);
    Files.writeString(
        dir.resolve("captions_test.json"), new ObjectMapper().writeValueAsString(coco) + "\n");
  }

  // ---- video: Kinetics CSV + clips ----

  private static final String ID_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

  /**
   * One clip of {@code videoClass}: its object, of jittered size, start and speed, on a fresh
   * texture.
   */
  static List<RgbImage> clip(SceneComposer composer, VideoClass videoClass, int frames) {
    SplittableRandom r = composer.random();
    SceneObject o = new SceneObject(videoClass.shape(), videoClass.colour(), false, 0, 0, 0, 0);
    int w = 112;
    int h = 112;
    double radius = w * (0.12 + 0.04 * r.nextDouble());
    double x = w / 2.0 + (r.nextDouble() - 0.5) * 10;
    double y = h / 2.0 + (r.nextDouble() - 0.5) * 10;
    double step = 2.2 + r.nextDouble();
    long texture = r.nextLong();
    double angle = composer.angle(o.shape());
    List<RgbImage> out = new ArrayList<>();
    for (int f = 0; f < frames; f++) {
      double t = f - (frames - 1) / 2.0;
      double fx = x;
      double fy = y;
      double fr = radius;
      switch (videoClass.motion()) {
        case LEFT -> fx = x - t * step;
        case RIGHT -> fx = x + t * step;
        case UP -> fy = y - t * step;
        case DOWN -> fy = y + t * step;
        case GROWING -> fr = radius * (0.6 + 0.9 * f / (frames - 1.0));
        case SHRINKING -> fr = radius * (1.5 - 0.9 * f / (frames - 1.0));
        default -> throw new IllegalStateException("unknown motion " + videoClass.motion());
      }
      out.add(new Scene(w, h, texture, List.of(o.movedTo(fx, fy, fr, angle))).render());
    }
    return out;
  }

  private void videos(Path root, Encoder encoder) throws IOException {
    SceneComposer composer = new SceneComposer(stream("videos"));
    Path dir = root.resolve("kinetics");
    for (String split : List.of("train", "val")) {
      int perClass = split.equals("train") ? size.videoTrainPerClass() : size.videoValPerClass();
      StringWriter csvText = new StringWriter();
      try (CSVPrinter csv =
          new CSVPrinter(
              csvText,
              CSVFormat.DEFAULT
                  .builder()
                  .setRecordSeparator("\n")
                  .setHeader("label", "youtube_id", "time_start", "time_end", "split")
                  .get())) {
        for (VideoClass videoClass : VIDEO_CLASSES) {
          for (int i = 0; i < perClass; i++) {
            StringBuilder id = new StringBuilder();
            for (int k = 0; k < 11; k++) {
              id.append(ID_CHARS.charAt(composer.random().nextInt(ID_CHARS.length())));
            }
            int start = composer.random().nextInt(300);
            int end = start + 10;
            String file = String.format(Locale.ROOT, "%s_%06d_%06d.mp4", id, start, end);
            VideoFiles.writeMp4(
                clip(composer, videoClass, 16),
                dir.resolve("videos").resolve(split).resolve(file),
                8);
            encoder.onImage().run();
            csv.printRecord(videoClass.label(), id.toString(), start, end, split);
          }
        }
      }
      Files.writeString(dir.resolve(split + ".csv"), csvText.toString());
    }
  }

  // ---- MMBench TSV ----

  /**
   * A TSV row but its last cell: a question's own image (base64, being encoded), or for a circular
   * variant the index of the row that has it.
   */
  private record QuestionRow(List<Object> cells, Future<String> image, String imageRow) {}

  private void mmbench(Path root, Encoder encoder) throws IOException {
    SceneComposer composer = new SceneComposer(stream("mmbench"));
    SplittableRandom r = composer.random();
    StringWriter out = new StringWriter();
    try (CSVPrinter tsv =
        new CSVPrinter(
            out,
            CSVFormat.TDF
                .builder()
                .setRecordSeparator("\n")
                .setHeader(
                    "index",
                    "question",
                    "hint",
                    "A",
                    "B",
                    "C",
                    "D",
                    "answer",
                    "category",
                    "l2-category",
                    "split",
                    "image")
                .get())) {
      // images are encoded on the pool while the questions are drawn, then written in order
      List<QuestionRow> rows = new ArrayList<>();
      for (int q = 0; q < size.questions(); q++) {
        int[] wh = composer.size();
        Scene scene = composer.many(1 + r.nextInt(4), wh[0], wh[1]);
        SceneObject target = scene.objects().get(r.nextInt(scene.objects().size()));
        int kind = r.nextInt(3);
        // ask only what the picture answers unambiguously; counting always is
        if (kind == Question.COLOUR && !Question.colourIsClear(target, scene.objects())
            || kind == Question.SHAPE && !Question.shapeIsClear(target, scene.objects())) {
          kind = Question.COUNT;
        }
        Question asked = Question.of(kind, target, scene.objects());
        String question = asked.text();
        String category = asked.category();
        String l2 = asked.l2Category();
        String correct = asked.correct();
        List<String> chosen = asked.options(r);
        String hint = Question.hint(r);
        Future<String> image =
            encoder.submit(
                () -> Base64.getEncoder().encodeToString(ImageFiles.jpeg(scene.render(), 0.9f)));
        // circular evaluation: variant k rotates the options by k and refers to row q's image by
        // index
        for (int k = 0; k < chosen.size(); k++) {
          List<String> rotated = new ArrayList<>();
          for (int i = 0; i < chosen.size(); i++) {
            rotated.add(chosen.get((i + k) % chosen.size()));
          }
          String answer = String.valueOf((char) ('A' + rotated.indexOf(correct)));
          int index = q + k * 1_000_000;
          List<Object> row = new ArrayList<>(List.of(index, question, hint));
          for (int i = 0; i < 4; i++) {
            row.add(i < rotated.size() ? rotated.get(i) : "");
          }
          row.addAll(List.of(answer, category, l2, "dev"));
          rows.add(new QuestionRow(row, k == 0 ? image : null, Integer.toString(q)));
        }
      }
      for (QuestionRow row : rows) {
        List<Object> cells = new ArrayList<>(row.cells());
        cells.add(row.image() != null ? await(row.image()) : row.imageRow());
        tsv.printRecord(cells);
      }
    }
    Path dir = root.resolve("mmbench");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("mmbench_dev_en.tsv"), out.toString());
  }

  // ---- MMBench TSV of questions about the training images ----

  /**
   * The most training images of each part (classification-train, captions-train,
   * segmentation-train) the {@code mmbench-train} part asks about: every one at the tiny, small and
   * medium scales, the first 5,000 of each at the large scale, which is sized for measuring runs
   * rather than for training.
   */
  static final int TRAIN_QUESTION_IMAGES = 5_000;

  /**
   * The training images the parts wrote, with the objects drawn in each, in the order written; each
   * list is filled by its own part's thread and read once every part has finished.
   */
  private static final class TrainingImages {
    final List<TrainingImage> classification = new ArrayList<>();
    final List<TrainingImage> captions = new ArrayList<>();
    final List<TrainingImage> segmentation = new ArrayList<>();

    void add(List<TrainingImage> part, Path file, Scene scene) {
      if (part.size() < TRAIN_QUESTION_IMAGES) {
        part.add(new TrainingImage(file, scene.objects()));
      }
    }
  }

  /**
   * A training image: its file under the suite's root and the objects drawn in it.
   *
   * @param file the image file, relative to the suite's root
   * @param objects its objects
   */
  private record TrainingImage(Path file, List<SceneObject> objects) {}

  /**
   * {@code mmbench-train/mmbench_train_en.tsv}: multiple-choice questions about the training
   * images, for instruction tuning (the {@code mmbench} part stays the evaluation set). For every
   * image of classification-train, captions-train and segmentation-train, in that order, every
   * question its picture answers unambiguously ({@link Question}: the colour of each object whose
   * shape and size no other object shares, the shape of each object whose colour no other object
   * shares, and the number of shapes), asked from the objects the parts drew (nothing is read back
   * from the pictures). Each question gets 2 to 4 options and a third of them the hint, drawn as
   * the {@code mmbench} part draws them, from this part's own stream. The first question about an
   * image holds the training image's own JPEG bytes in base64, so its pixels are exactly the
   * training image's; the others name that row's index, as MMBench's circular variants do. One row
   * per question (no circular variants: a trainer adds the shifts it wants); {@code split} is
   * {@code train}.
   */
  private void mmbenchTrain(Path root, TrainingImages trained) throws IOException {
    SplittableRandom r = stream("mmbench-train");
    Path dir = Files.createDirectories(root.resolve("mmbench-train"));
    try (CSVPrinter tsv =
        new CSVPrinter(
            Files.newBufferedWriter(dir.resolve("mmbench_train_en.tsv"), StandardCharsets.UTF_8),
            CSVFormat.TDF
                .builder()
                .setRecordSeparator("\n")
                .setHeader(
                    "index",
                    "question",
                    "hint",
                    "A",
                    "B",
                    "C",
                    "D",
                    "answer",
                    "category",
                    "l2-category",
                    "split",
                    "image")
                .get())) {
      int index = 0;
      for (List<TrainingImage> part :
          List.of(trained.classification, trained.captions, trained.segmentation)) {
        for (TrainingImage image : part) {
          List<SceneObject> objects = image.objects();
          if (objects.isEmpty()) {
            continue;
          }
          List<Question> asked = new ArrayList<>();
          for (SceneObject target : objects) {
            if (Question.colourIsClear(target, objects)) {
              asked.add(Question.of(Question.COLOUR, target, objects));
            }
            if (Question.shapeIsClear(target, objects)) {
              asked.add(Question.of(Question.SHAPE, target, objects));
            }
          }
          // the count is always clear
          asked.add(Question.of(Question.COUNT, objects.get(0), objects));
          int holder = -1;
          for (Question q : asked) {
            List<String> options = q.options(r);
            String hint = Question.hint(r);
            List<Object> row = new ArrayList<>(List.of(index, q.text(), hint));
            for (int i = 0; i < 4; i++) {
              row.add(i < options.size() ? options.get(i) : "");
            }
            row.addAll(
                List.of(
                    String.valueOf((char) ('A' + options.indexOf(q.correct()))),
                    q.category(),
                    q.l2Category(),
                    "train"));
            row.add(
                holder < 0
                    ? Base64.getEncoder()
                        .encodeToString(Files.readAllBytes(root.resolve(image.file())))
                    : Integer.toString(holder));
            tsv.printRecord(row);
            if (holder < 0) {
              holder = index;
            }
            index++;
          }
        }
      }
    }
  }

  // ---- POPE, MME and ScienceQA: see ClosedBenchmarks ----

  private void closedBenchmarks(Path root, Encoder encoder) throws IOException {
    new ClosedBenchmarks(stream("closed-benchmarks"), size.questions()).write(root);
  }

  // ---- MM-Vet: see MmvetPart ----

  private void mmvet(Path root, Encoder encoder) throws IOException {
    new MmvetPart(stream("mmvet"), size.questions()).write(root);
  }

  // ---- XTD: one caption per image per language ----

  private void xtd(Path root, Encoder encoder) throws IOException {
    SceneComposer composer = new SceneComposer(stream("xtd"));
    Window window = encoder.window();
    Path dir = root.resolve("xtd");
    List<String> names = new ArrayList<>();
    List<String> english = new ArrayList<>();
    List<String> chinese = new ArrayList<>();
    for (int i = 0; i < size.xtdImages(); i++) {
      SceneComposer.Pair pair = composer.pair();
      String file = String.format(Locale.ROOT, "xtd_%06d.jpg", i);
      Path image = dir.resolve("images").resolve(file);
      window.write(() -> ImageFiles.writeJpeg(pair.scene().render(), image));
      names.add(file);
      english.add(captionsOf(pair).get(0));
      chinese.add(chineseCaption(pair));
    }
    window.drain();
    Files.writeString(dir.resolve("test_image_names.txt"), String.join("\n", names) + "\n");
    Files.writeString(
        dir.resolve("test_1kcaptions_en.txt"),
        String.join("\n", english) + "\n",
        StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("test_1kcaptions_zh.txt"),
        String.join("\n", chinese) + "\n",
        StandardCharsets.UTF_8);
  }

  // ---- MSR-VTT: the reference script's {video, caption} list + clips ----

  /**
   * The MSR-VTT part: clips of distinct (colour, shape, motion) objects, drawn from their own
   * random stream, each with one caption saying what it shows ("a red circle moving left"), listed
   * as the reference script's metadata file lists the 1k-A test split.
   */
  private void msrvtt(Path root, Encoder encoder) throws IOException {
    SceneComposer composer = new SceneComposer(stream("msrvtt"));
    Path dir = root.resolve("msrvtt");
    List<VideoClass> kinds = new ArrayList<>();
    for (Colour c : Colour.values()) {
      for (Shape s : Shape.values()) {
        for (Motion m : Motion.values()) {
          kinds.add(new VideoClass(c, s, m));
        }
      }
    }
    List<Map<String, Object>> entries = new ArrayList<>();
    for (int i = 0; i < size.msrvttClips(); i++) {
      // a distinct object and motion for every clip: a partial shuffle of all of them
      int pick = i + composer.random().nextInt(kinds.size() - i);
      VideoClass kind = kinds.get(pick);
      kinds.set(pick, kinds.get(i));
      kinds.set(i, kind);
      String file = String.format(Locale.ROOT, "video%d.mp4", i);
      VideoFiles.writeMp4(
          clip(composer, kind, 16), dir.resolve("videos").resolve("all").resolve(file), 8);
      encoder.onImage().run();
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("video", file);
      entry.put("caption", "a " + kind.label());
      entries.add(entry);
    }
    Files.writeString(dir.resolve("msrvtt_test1k.json"), json().writeValueAsString(entries) + "\n");
  }

  // ---- VQA family: VQAv2, TextVQA, VizWiz and GQA layouts ----

  private void vqa(Path root, Encoder encoder) throws IOException {
    Window window = encoder.window();
    new VqaParts(stream("vqa"), size.questions())
        .write(
            root, (scene, file) -> window.write(() -> ImageFiles.writeJpeg(scene.render(), file)));
    window.drain();
  }

  private static void cleanUp(Path tmp, Exception cause) {
    try {
      deleteRecursively(tmp);
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
