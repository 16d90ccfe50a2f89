package io.vleval.model.internvl.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.vleval.api.model.GenerationSettings;
import io.vleval.model.internvl.generation.Generator;
import io.vleval.model.internvl.llm.Decoder;
import io.vleval.model.internvl.llm.DecoderConfig;
import io.vleval.model.internvl.llm.PromptDecoding;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Greedy generation of 32 tokens after a 128-position prompt (think: one chat image tile of 64
 * tokens plus text), with the key/value cache and by re-running the whole sequence every step, on
 * the CPU in float32. The decoder is InternLM2-shaped with random weights: hidden 256, 8 heads, 4
 * key/value heads, SwiGLU 704, 4 layers, vocabulary 4000. One operation is one whole generation
 * (prefill included) in a fresh sub-manager. PyTorch intra-op threads = available processors.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Dai.djl.offline=true"})
public class CachedGenerationBenchmark {

  static final int PROMPT = 128;
  static final int NEW_TOKENS = 32;

  @Param({"true", "false"})
  public boolean cache;

  private NDManager root;
  private Decoder decoder;
  private NDArray prompt;
  private long[] positions;

  @Setup(Level.Trial)
  public void setUp() {
    System.setProperty(
        "ai.djl.pytorch.num_threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
    root = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    DecoderConfig config =
        new DecoderConfig(
            DecoderConfig.Family.INTERNLM2,
            4000,
            256,
            8,
            4,
            704,
            4,
            1e-5,
            1e6,
            4096,
            null,
            1,
            1,
            2,
            2,
            0,
            0,
            0);
    decoder = Decoder.random(config, 0, root);
    prompt = root.randomNormal(0, 0.5f, new Shape(1, PROMPT, 256), DataType.FLOAT32);
    positions = new long[PROMPT];
    for (int i = 0; i < PROMPT; i++) {
      positions[i] = i;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    root.close();
  }

  @Benchmark
  public long generate() {
    try (NDManager m = root.newSubManager();
        PromptDecoding state = new PromptDecoding(decoder, prompt, positions, 0, null, cache, m)) {
      long[] out =
          Generator.generate(
              state, new GenerationSettings(1, NEW_TOKENS, NEW_TOKENS, 1.0), Set.of());
      return out[out.length - 1];
    }
  }
}
