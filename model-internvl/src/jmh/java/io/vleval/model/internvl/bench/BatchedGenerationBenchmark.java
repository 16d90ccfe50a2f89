package io.vleval.model.internvl.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.vleval.api.model.GenerationSettings;
import io.vleval.model.internvl.chat.ChatConfig;
import io.vleval.model.internvl.chat.InternVlChat;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.generation.Generator;
import io.vleval.model.internvl.llm.DecoderConfig;
import io.vleval.model.internvl.llm.PromptDecoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Tokens per second of batched chat generation: {@code batch} prompts decoded together by one
 * {@link Generator#generate(io.vleval.model.internvl.generation.DecodingState, int,
 * GenerationSettings, Set)} (left padding, key/value cache, greedy, 32 new tokens each, no stop
 * token so that every prompt runs to the end). The model is a small InternVL-Chat with random
 * weights: InternLM2-shaped LLM of hidden 256, 8 heads, 4 key/value heads, SwiGLU 704, 4 layers,
 * vocabulary 4000; prompts of image and text embeddings of 96 to 128 positions (different lengths,
 * so the batch is padded), as a chat prompt with one 64-token tile. One op = one batch generated,
 * prefill included, in a fresh sub-manager; the {@code tokens} counter reports generated tokens per
 * second. PyTorch intra-op threads = available processors; {@code -p device=gpu} runs on gpu:0.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Dai.djl.offline=true"})
public class BatchedGenerationBenchmark {

  static final int NEW_TOKENS = 32;
  static final int HIDDEN = 256;

  @Param({"1", "4", "16"})
  public int batch;

  @Param({"cpu"})
  public String device;

  private InternVlChat chat;
  private NDManager root;
  private List<NDArray> prompts;

  /** Generated tokens, reported by JMH per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Tokens {
    public long tokens;

    @Setup(Level.Iteration)
    public void reset() {
      tokens = 0;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    System.setProperty(
        "ai.djl.pytorch.num_threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
    Device d = device.equals("gpu") ? Device.gpu(0) : Device.cpu();
    DecoderConfig llm =
        new DecoderConfig(
            DecoderConfig.Family.INTERNLM2,
            4000,
            HIDDEN,
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
    InternVitConfig vision = InternVitConfig.preset("tiny");
    ChatConfig config =
        new ChatConfig(vision, llm, 0.5, "v2", -1, 224, "internlm2-chat", 1, 6, true, true);
    chat = InternVlChat.random(config, 0, d);
    root = chat.manager().newSubManager();
    prompts = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      int length = 96 + (i * 11) % 33; // 96 .. 128
      prompts.add(
          root.randomNormal(0, 0.5f, new Shape(1, length, HIDDEN), DataType.FLOAT32)
              .toDevice(d, false));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    root.close();
    chat.close();
  }

  @Benchmark
  public long generate(Tokens counter) {
    try (NDManager m = root.newSubManager();
        PromptDecoding state = chat.decoding(prompts, true, m)) {
      long[][] out =
          Generator.generate(
              state, batch, new GenerationSettings(1, NEW_TOKENS, NEW_TOKENS, 1.0), Set.of());
      for (long[] row : out) {
        counter.tokens += row.length;
      }
      return out[0][out[0].length - 1];
    }
  }
}
