package io.vleval.model.internvl.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.sun.management.OperatingSystemMXBean;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.vision.InternVit;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The forward of {@link InternVitForwardBenchmark} (ViT-B/16, 224 px, batch 8), current and
 * previous encoder layer, and the 1024² and 2048² matrix products, run in alternation round after
 * round, so that on a shared machine a change of load hits all four alike (JMH runs its trials one
 * after the other). Prints per measurement the median and the minimum over the rounds, then
 * images/s, the ceiling and the ratio computed from the medians and from the minima.
 *
 * <pre>
 * java -cp CLASSPATH io.vleval.model.internvl.bench.ForwardComparison [rounds] [batch]
 * </pre>
 */
public final class ForwardComparison {

  private ForwardComparison() {}

  /**
   * Runs the comparison.
   *
   * @param args optional: rounds (default 15) and batch (default 8)
   */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    System.setProperty(
        "ai.djl.pytorch.num_threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
    InternVitConfig config = InternVitForwardBenchmark.config(16);
    double gflop = InternVitForwardBenchmark.flopsPerImage(config) / 1e9;
    float[] pixels = new float[batch * 3 * 224 * 224];
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) r.nextGaussian();
    }
    String[] names = {"forward current", "forward previous", "matmul 1024", "matmul 2048"};
    double[][] ms = new double[names.length][rounds];
    double[][] cpu = new double[names.length][rounds];
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    System.out.printf(
        Locale.ROOT,
        "load at start %.1f%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    try (InternVit vit = InternVit.random(config, 0);
        NDManager operands = NDManager.newBaseManager("PyTorch")) {
      PreviousForward previous = new PreviousForward(vit);
      NDArray a1024 = operands.randomNormal(new Shape(1024, 1024));
      NDArray a2048 = operands.randomNormal(new Shape(2048, 2048));
      for (int round = -2; round < rounds; round++) {
        for (int which = 0; which < names.length; which++) {
          try (NDManager m = vit.manager().newSubManager()) {
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            float sink;
            switch (which) {
              case 0 ->
                  sink =
                      vit.forward(m.create(pixels, new Shape(batch, 3, 224, 224)))
                          .pooled()
                          .getFloat(0, 0);
              case 1 ->
                  sink =
                      previous
                          .forward(m.create(pixels, new Shape(batch, 3, 224, 224)))
                          .getFloat(0, 0, 0);
              case 2 -> {
                try (NDArray p = a1024.matMul(a1024)) {
                  sink = p.getFloat(0, 0);
                }
              }
              default -> {
                try (NDArray p = a2048.matMul(a2048)) {
                  sink = p.getFloat(0, 0);
                }
              }
            }
            long t1 = System.nanoTime();
            long c1 = os.getProcessCpuTime();
            if (Float.isNaN(sink)) {
              throw new IllegalStateException(names[which] + " gave NaN");
            }
            if (round >= 0) {
              ms[which][round] = (t1 - t0) / 1e6;
              cpu[which][round] = (c1 - c0) / 1e6;
            }
          }
        }
      }
    }
    double[] med = new double[names.length];
    double[] min = new double[names.length];
    for (int i = 0; i < names.length; i++) {
      Arrays.sort(ms[i]);
      med[i] = ms[i][rounds / 2];
      min[i] = ms[i][0];
      System.out.printf(
          Locale.ROOT, "%-18s median %9.1f ms   min %9.1f ms%n", names[i], med[i], min[i]);
    }
    double[] cpuMed = new double[names.length];
    for (int i = 0; i < names.length; i++) {
      Arrays.sort(cpu[i]);
      cpuMed[i] = cpu[i][rounds / 2];
      System.out.printf(
          Locale.ROOT, "%-18s median process CPU time %9.1f ms%n", names[i], cpuMed[i]);
    }
    for (String stat : new String[] {"median", "min", "cpu"}) {
      double[] t = stat.equals("median") ? med : stat.equals("min") ? min : cpuMed;
      double ceil =
          Math.max(2.0 * Math.pow(1024, 3) / t[2], 2.0 * Math.pow(2048, 3) / t[3]) / 1e6; // GFLOP/s
      double ceilingImages = ceil / gflop;
      for (int i = 0; i < 2; i++) {
        double images = batch / (t[i] / 1e3);
        System.out.printf(
            Locale.ROOT,
            "%-6s %-18s %6.2f images/s, matmul %6.1f GFLOP/s, ceiling %5.2f images/s"
                + " (%.2f GFLOP/image), ratio %3.0f%%%n",
            stat,
            names[i],
            images,
            ceil,
            ceilingImages,
            gflop,
            100 * images / ceilingImages);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "load at end %.1f%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }
}
