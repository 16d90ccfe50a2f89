package io.vleval.model.internvl.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Times each operation of one ViT-B/16 InternViT layer in isolation on the shapes of a batch-8
 * forward (B 8, N 197 tokens, C 768, 12 heads of 64, MLP 3072), CPU float32, with the plain matrix
 * product beside it, so that the share of each part and its distance from the matrix-product
 * ceiling can be read from one run. Not a JMH benchmark: each operation runs a few times after a
 * warm-up and its median is printed; run it on a quiet machine and compare ratios, not absolutes.
 *
 * <pre>
 * java -cp CLASSPATH io.vleval.model.internvl.bench.ForwardOpsProfile [repeats]
 * </pre>
 */
public final class ForwardOpsProfile {

  private static final long B = 8;
  private static final long N = 197;
  private static final long C = 768;
  private static final long H = 12;
  private static final long HD = 64;
  private static final long MLP = 3072;

  private ForwardOpsProfile() {}

  /** One timed operation: its name, its FLOPs (0 when not a product) and the work. */
  private record Op(String name, double flops, Function<NDManager, NDArray> work) {}

  /**
   * Runs the profile.
   *
   * @param args optional: the number of timed repeats per operation (default 15)
   */
  public static void main(String[] args) {
    int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    System.setProperty(
        "ai.djl.pytorch.num_threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray x = m.randomNormal(new Shape(B, N, C));
      NDArray gamma = m.ones(new Shape(C));
      NDArray beta = m.zeros(new Shape(C));
      NDArray wqkv = m.randomNormal(0, 0.02f, new Shape(3 * C, C), x.getDataType());
      NDArray bqkv = m.zeros(new Shape(3 * C));
      NDArray wproj = m.randomNormal(0, 0.02f, new Shape(C, C), x.getDataType());
      NDArray bproj = m.zeros(new Shape(C));
      NDArray w1 = m.randomNormal(0, 0.02f, new Shape(MLP, C), x.getDataType());
      NDArray b1 = m.zeros(new Shape(MLP));
      NDArray w2 = m.randomNormal(0, 0.02f, new Shape(C, MLP), x.getDataType());
      NDArray b2 = m.zeros(new Shape(C));
      NDArray qkv = Linear.linear(x, wqkv, bqkv).singletonOrThrow();
      NDList parts = qkv.split(3, 2);
      NDArray qView = parts.get(0).reshape(B, N, H, HD).transpose(0, 2, 1, 3);
      NDArray kView = parts.get(1).reshape(B, N, H, HD).transpose(0, 2, 3, 1);
      NDArray vView = parts.get(2).reshape(B, N, H, HD).transpose(0, 2, 1, 3);
      // the layout the layer uses: one copy to [3 * B * H, N, hd], q, k, v views of it
      NDArray heads =
          qkv.reshape(B, N, 3, H, HD).transpose(2, 0, 3, 1, 4).reshape(3 * B * H, N, HD);
      NDList qkvHeads = heads.split(3, 0);
      NDArray q = qkvHeads.get(0);
      NDArray k = qkvHeads.get(1);
      NDArray v = qkvHeads.get(2);
      NDArray scores = q.matMul(k.transpose(0, 2, 1));
      NDArray probs = scores.softmax(-1);
      NDArray ctx = probs.matMul(v);
      NDArray hidden = m.randomNormal(new Shape(B, N, MLP));
      NDArray ls = m.ones(new Shape(C));
      NDArray a1024 = m.randomNormal(new Shape(1024, 1024));
      NDArray a2048 = m.randomNormal(new Shape(2048, 2048));
      NDList inputs =
          new NDList(x, gamma, beta, wqkv, bqkv, wproj, bproj, w1, b1, w2, b2, qkv, qView, kView);
      inputs.addAll(new NDList(vView, q, k, v, scores, probs, ctx, hidden, ls, a1024, a2048));
      double bnc = (double) B * N * C;
      double attnFlops = 2.0 * B * H * N * N * HD;
      List<Op> ops = new ArrayList<>();
      ops.add(
          new Op("matmul 1024^2 (ceiling)", 2.0 * 1024 * 1024 * 1024, s -> a1024.matMul(a1024)));
      ops.add(
          new Op("matmul 2048^2 (ceiling)", 2.0 * 2048 * 2048 * 2048, s -> a2048.matMul(a2048)));
      ops.add(
          new Op(
              "norm1 (layer_norm)",
              0,
              s -> LayerNorm.layerNorm(x, new Shape(C), gamma, beta, 1e-6f).singletonOrThrow()));
      ops.add(
          new Op(
              "qkv linear 768->2304",
              2 * bnc * 3 * C,
              s -> Linear.linear(x, wqkv, bqkv).singletonOrThrow()));
      ops.add(
          new Op(
              "attention, previous (4-d views)",
              2 * attnFlops,
              sm -> {
                NDArray qs = qView.mul(0.125f);
                return qs.matMul(kView)
                    .softmax(-1)
                    .matMul(vView)
                    .transpose(0, 2, 1, 3)
                    .reshape(B, N, C);
              }));
      ops.add(
          new Op(
              "attention, now (one copy, 3-d)",
              2 * attnFlops,
              sm -> {
                NDList p =
                    qkv.reshape(B, N, 3, H, HD)
                        .transpose(2, 0, 3, 1, 4)
                        .reshape(3 * B * H, N, HD)
                        .split(3, 0);
                NDArray qs = p.get(0).mul(0.125f);
                return qs.matMul(p.get(1).transpose(0, 2, 1))
                    .softmax(-1)
                    .matMul(p.get(2))
                    .reshape(B, H, N, HD)
                    .transpose(0, 2, 1, 3)
                    .reshape(B, N, C);
              }));
      ops.add(
          new Op(
              "  qkv to heads: one copy",
              0,
              sm ->
                  qkv.reshape(B, N, 3, H, HD).transpose(2, 0, 3, 1, 4).reshape(3 * B * H, N, HD)));
      ops.add(new Op("  q * scale", 0, sm -> q.mul(0.125f)));
      ops.add(new Op("  q@k^T (k^T a view)", attnFlops, sm -> q.matMul(k.transpose(0, 2, 1))));
      ops.add(new Op("  softmax [B*H,N,N]", 0, sm -> scores.softmax(-1)));
      ops.add(new Op("  attn@v", attnFlops, sm -> probs.matMul(v)));
      ops.add(
          new Op(
              "  heads back (copy)",
              0,
              sm -> ctx.reshape(B, H, N, HD).transpose(0, 2, 1, 3).reshape(B, N, C)));
      ops.add(
          new Op(
              "proj linear 768->768",
              2 * bnc * C,
              s -> Linear.linear(x, wproj, bproj).singletonOrThrow()));
      ops.add(new Op("ls1 mul [B,N,C]", 0, s -> x.mul(ls)));
      ops.add(new Op("residual add [B,N,C]", 0, s -> x.add(x)));
      ops.add(
          new Op(
              "fc1 linear 768->3072",
              2 * bnc * MLP,
              s -> Linear.linear(x, w1, b1).singletonOrThrow()));
      ops.add(new Op("gelu (erf) [B,N,4C]", 0, s -> Activation.gelu(hidden)));
      ops.add(
          new Op(
              "fc2 linear 3072->768",
              2 * bnc * MLP,
              s -> Linear.linear(hidden, w2, b2).singletonOrThrow()));
      ops.add(
          new Op(
              "in-place ls*branch + residual",
              0,
              s -> {
                NDArray t = x.duplicate();
                JniUtils.muli((PtNDArray) t, (PtNDArray) ls);
                return t;
              }));
      System.out.printf(
          Locale.ROOT,
          "threads %d, repeats %d, load %s%n",
          JniUtils.getNumThreads(),
          repeats,
          Arrays.toString(loadAverage()));
      System.out.printf(
          Locale.ROOT,
          "%-40s %10s %10s %10s %10s%n",
          "operation",
          "median ms",
          "min ms",
          "GFLOP/s",
          "at min");
      // rounds over all operations, so that a change of load on the shared machine hits each alike
      double[][] ms = new double[ops.size()][repeats];
      for (int i = -3; i < repeats; i++) {
        for (int o = 0; o < ops.size(); o++) {
          try (NDManager s = m.newSubManager()) {
            // every array an operation makes goes to s and is released with it
            inputs.tempAttach(s);
            long t0 = System.nanoTime();
            NDArray r = ops.get(o).work().apply(s);
            long t1 = System.nanoTime();
            r.close();
            if (i >= 0) {
              ms[o][i] = (t1 - t0) / 1e6;
            }
          }
        }
      }
      for (int o = 0; o < ops.size(); o++) {
        Op op = ops.get(o);
        Arrays.sort(ms[o]);
        double median = ms[o][repeats / 2];
        double min = ms[o][0];
        System.out.printf(
            Locale.ROOT,
            "%-40s %10.2f %10.2f %10s %10s%n",
            op.name(),
            median,
            min,
            rate(op.flops(), median),
            rate(op.flops(), min));
      }
    }
  }

  private static String rate(double flops, double ms) {
    return flops > 0 ? String.format(Locale.ROOT, "%.1f", flops / ms / 1e6) : "";
  }

  private static double[] loadAverage() {
    return new double[] {ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()};
  }
}
