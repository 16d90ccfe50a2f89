package io.vleval.model.internvl.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.config.NormType;
import io.vleval.model.internvl.vision.InternVit;
import java.util.SplittableRandom;
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
 * InternViT forward on the CPU in float32 for a ViT-B-sized configuration (hidden 768, 12 layers,
 * 12 heads, MLP 3072, LayerNorm, no QK-norm, 224 px), patch 16 (197 tokens) and patch 14 (257
 * tokens), batch 1 and 8, beside the plain float32 matrix product that bounds it.
 *
 * <ul>
 *   <li>{@code forward}: one operation is one batch, including creating its pixels in a fresh
 *       sub-manager and releasing it, as a harness batch does. {@code layer=current} runs {@link
 *       InternVit#forward(NDArray)}; {@code layer=previous} runs the same weights through the
 *       encoder layer as it was before its attention was reorganized ({@link PreviousForward}), so
 *       that one run compares both under the same load.
 *   <li>{@code matmul}: one {@code size x size} float32 {@code matMul} through DJL, the ceiling:
 *       {@code 2 size^3} FLOP an operation.
 * </ul>
 *
 * <p>Run through {@link BenchmarkMain}, which prints after the JMH table the images/s, the ceiling
 * (the best matrix-product rate divided by {@link #flopsPerImage}) and their ratio. PyTorch
 * intra-op threads are set to the number of available processors.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 4, time = 10)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Dai.djl.offline=true"})
public class InternVitForwardBenchmark {

  /** The model, its pixels and which encoder layer runs. */
  @State(Scope.Benchmark)
  public static class Model {

    /** The patch size: 16 (197 tokens) or 14 (257 tokens). */
    @Param({"16", "14"})
    public int patch;

    /** Images per forward pass. */
    @Param({"1", "8"})
    public int batch;

    /** {@code current}: the model's own forward; {@code previous}: {@link PreviousForward}. */
    @Param({"current", "previous"})
    public String layer;

    private InternVit vit;
    private PreviousForward previous;
    private float[] pixels;

    /** Builds the model with seeded random weights and the pixels. */
    @Setup(Level.Trial)
    public void setUp() {
      setThreads();
      vit = InternVit.random(config(patch), 0);
      previous = layer.equals("previous") ? new PreviousForward(vit) : null;
      if (previous == null && !layer.equals("current")) {
        throw new IllegalArgumentException("layer must be current or previous, got " + layer);
      }
      SplittableRandom r = new SplittableRandom(1);
      pixels = new float[batch * 3 * 224 * 224];
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = (float) r.nextGaussian();
      }
      if (previous != null) {
        checkSameOutputs();
      }
    }

    /** The two forwards must compute the same thing, or the comparison means nothing. */
    private void checkSameOutputs() {
      try (NDManager m = vit.manager().newSubManager()) {
        NDArray x = m.create(pixels, new Shape(batch, 3, 224, 224));
        NDArray now = vit.forward(x).lastHiddenState();
        float diff = now.sub(previous.forward(x)).abs().max().getFloat();
        if (!(diff <= 1e-4f)) {
          throw new IllegalStateException(
              "the previous forward differs from the current one by " + diff);
        }
      }
    }

    /** Releases the weights. */
    @TearDown(Level.Trial)
    public void tearDown() {
      vit.close();
    }
  }

  /** Two square float32 matrices for the matrix-product ceiling. */
  @State(Scope.Benchmark)
  public static class Square {

    /** The side of the square matrices. */
    @Param({"1024", "2048"})
    public int size;

    private NDManager manager;
    private NDArray a;
    private NDArray b;

    /** Creates the operands. */
    @Setup(Level.Trial)
    public void setUp() {
      setThreads();
      manager = NDManager.newBaseManager("PyTorch");
      a = manager.randomNormal(new Shape(size, size));
      b = manager.randomNormal(new Shape(size, size));
    }

    /** Releases the operands. */
    @TearDown(Level.Trial)
    public void tearDown() {
      manager.close();
    }
  }

  /** Must precede the engine's start, which reads it once. */
  private static void setThreads() {
    System.setProperty(
        "ai.djl.pytorch.num_threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
  }

  /**
   * The benchmarked architecture: ViT-B sized, 224 px.
   *
   * @param patch the patch size
   * @return the configuration
   */
  public static InternVitConfig config(int patch) {
    return InternVitConfig.builder()
        .hiddenSize(768)
        .numAttentionHeads(12)
        .intermediateSize(3072)
        .numHiddenLayers(12)
        .normType(NormType.LAYER_NORM)
        .qkNormalization(false)
        .qkvBias(true)
        .patchSize(patch)
        .imageSize(224)
        .build();
  }

  /**
   * The matrix-product FLOPs of one image's forward at 224 px, a multiply-add counted as two:
   * {@link InternVit#forwardFlops}. ViT-B/16: 35.1 GFLOP (17.6 G multiply-adds).
   *
   * @param config the architecture
   * @return FLOP per image
   */
  public static double flopsPerImage(InternVitConfig config) {
    return InternVit.forwardFlops(config, 224, 224);
  }

  /**
   * One forward pass of a batch.
   *
   * @param s the model
   * @return one output value, so that the pass is not optimized away
   */
  @Benchmark
  public float forward(Model s) {
    try (NDManager m = s.vit.manager().newSubManager()) {
      NDArray x = m.create(s.pixels, new Shape(s.batch, 3, 224, 224));
      NDArray pooled =
          s.previous == null ? s.vit.forward(x).pooled() : s.previous.forward(x).get(":, 0, :");
      return pooled.getFloat(0, 0);
    }
  }

  /**
   * One square float32 matrix product.
   *
   * @param s the operands
   * @return one value of the product
   */
  @Benchmark
  public float matmul(Square s) {
    try (NDArray product = s.a.matMul(s.b)) {
      return product.getFloat(0, 0);
    }
  }
}
