package io.vleval.model.internvl.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.sample.RgbImage;
import io.vleval.model.internvl.chat.ChatConfig;
import io.vleval.model.internvl.chat.DynamicTiling;
import io.vleval.model.internvl.chat.InternVlChat;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.generation.Generator;
import io.vleval.model.internvl.llm.DecoderConfig;
import io.vleval.model.internvl.llm.PromptDecoding;
import io.vleval.preprocess.ImageTransform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An InternVL2-1B-shaped model with random weights (InternViT-300M at 448 px, pixel shuffle, {@code
 * mlp1}, Qwen2-0.5B: vocabulary 151655, hidden 896, 14 heads over 2 key/value heads, SwiGLU 4864,
 * 24 layers, head tied to the embeddings), on the CPU in float32: one op takes a 448 x 448 image
 * (one tile: 256 image tokens) and a 40-token text prompt to 32 greedy tokens with the key/value
 * cache (tiling, preprocessing, the vision tower, the projector, the prefill and 32 decoding steps;
 * no stop token). Tokens per second = 32 / the op's time. At the end of the trial the forked JVM
 * (heap capped at 2 GB, which the random weights' largest array, the 151655 x 896 embedding, needs)
 * prints each op's split (tiles to image tokens / prefill and 32 steps) and its peak resident set
 * ({@code VmHWM}), also written to {@code target/internvl2-1b-peak-rss.txt}. PyTorch intra-op
 * threads = available processors.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx2g"})
public class InternVl2GenerationBenchmark {

  static final int NEW_TOKENS = 32;
  static final int TEXT_TOKENS = 40;
  static final long IMG_START = 151646;
  static final long IMG_END = 151647;
  static final long IMG_CONTEXT = 151648;

  private InternVlChat chat;
  private RgbImage image;
  private long[] text;
  private final List<String> splits = new ArrayList<>();

  /** The InternVL2-1B architecture (config.json of OpenGVLab/InternVL2-1B). */
  static ChatConfig internVl2OneB() {
    DecoderConfig qwen2 =
        new DecoderConfig(
            DecoderConfig.Family.QWEN2,
            151655,
            896,
            14,
            2,
            4864,
            24,
            1e-6,
            1_000_000,
            32768,
            null,
            1,
            151643,
            151645,
            151643,
            0,
            0,
            0,
            true,
            null);
    return new ChatConfig(
        InternVitConfig.preset("internvit-300m-448px"),
        qwen2,
        0.5,
        "v2",
        -1,
        448,
        "Hermes-2",
        1,
        12,
        true,
        true);
  }

  @Setup(Level.Trial)
  public void setUp() {
    System.setProperty(
        "ai.djl.pytorch.num_threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
    chat = InternVlChat.random(internVl2OneB(), 0, Device.cpu());
    SplittableRandom rng = new SplittableRandom(1);
    byte[] rgb = new byte[448 * 448 * 3];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) rng.nextInt(256);
    }
    image = new RgbImage(448, 448, rgb);
    text = new long[TEXT_TOKENS];
    for (int i = 0; i < TEXT_TOKENS; i++) {
      text[i] = rng.nextInt(151000);
    }
    System.gc(); // the random weights' float[] and direct buffers are garbage now
    splits.add("RSS with the model built: " + status("VmRSS:") + ", peak so far " + peakRss());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    splits.add("RSS after the last op: " + status("VmRSS:"));
    chat.close();
    String peak = peakRss();
    splits.forEach(System.out::println);
    System.out.println("peak RSS (VmHWM): " + peak);
    try {
      Path out = Path.of("target", "internvl2-1b-peak-rss.txt");
      Files.createDirectories(out.getParent());
      Files.writeString(out, peak + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String peakRss() {
    return status("VmHWM:");
  }

  /** A memory line of {@code /proc/self/status} in MiB. */
  private static String status(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          long kb = Long.parseLong(line.replaceAll("\\D", ""));
          return String.format(Locale.ROOT, "%.0f MiB", kb / 1024.0);
        }
      }
      return "unknown (no " + field + ")";
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  @Benchmark
  public long imageToTokens() {
    ChatConfig c = chat.config();
    List<RgbImage> tiles =
        DynamicTiling.tiles(
            image, c.minDynamicPatch(), c.maxDynamicPatch(), c.imageSize(), c.useThumbnail());
    ImageTransform t = ImageTransform.imagenet(ImageTransform.Mode.SQUARE, c.imageSize());
    float[] pixels = new float[tiles.size() * t.outputLength()];
    for (int i = 0; i < tiles.size(); i++) {
      System.arraycopy(t.apply(tiles.get(i)), 0, pixels, i * t.outputLength(), t.outputLength());
    }
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < TEXT_TOKENS / 2; i++) {
      ids.add(text[i]);
    }
    ids.add(IMG_START);
    for (int i = 0; i < tiles.size() * c.numImageToken(); i++) {
      ids.add(IMG_CONTEXT);
    }
    ids.add(IMG_END);
    for (int i = TEXT_TOKENS / 2; i < TEXT_TOKENS; i++) {
      ids.add(text[i]);
    }
    long start = System.nanoTime();
    try (NDManager batch = chat.manager().newSubManager()) {
      NDArray x = batch.create(pixels, new Shape(tiles.size(), 3, c.imageSize(), c.imageSize()));
      NDArray tokens = chat.extractFeature(x);
      tokens.toFloatArray(); // wait for the tower (and count its copy out, which is small)
      long vision = System.nanoTime();
      NDArray embeds =
          chat.inputEmbeddings(
              ids.stream().mapToLong(Long::longValue).toArray(), tokens, IMG_CONTEXT, batch);
      try (PromptDecoding state = chat.decoding(embeds, true, batch)) {
        long[] out =
            Generator.generate(
                state, new GenerationSettings(1, NEW_TOKENS, NEW_TOKENS, 1.0), Set.of());
        long end = System.nanoTime();
        splits.add(
            String.format(
                Locale.ROOT,
                "op: image tokens %.1f s, prefill + %d steps %.1f s",
                (vision - start) / 1e9,
                NEW_TOKENS,
                (end - vision) / 1e9));
        return out[out.length - 1];
      }
    }
  }
}
