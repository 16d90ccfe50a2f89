package io.vleval.model.internvl.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.Main;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * JMH's command line (the same arguments as {@code org.openjdk.jmh.Main}) followed, when the run
 * measured both {@link InternVitForwardBenchmark} methods, by the forward's distance from the
 * matrix-product ceiling: for each forward configuration its median images/s, the ceiling (the best
 * median GFLOP/s of the square products divided by {@link InternVitForwardBenchmark#flopsPerImage})
 * and their ratio. All figures come from the same run.
 */
public final class BenchmarkMain {

  private BenchmarkMain() {}

  /**
   * Runs the benchmarks the arguments select, then prints the ceiling summary.
   *
   * @param args JMH's command-line arguments
   * @throws Exception when JMH cannot parse the arguments or run
   */
  public static void main(String[] args) throws Exception {
    CommandLineOptions cmd;
    try {
      cmd = new CommandLineOptions(args);
    } catch (CommandLineOptionException e) {
      System.err.println("Error parsing command line: " + e.getMessage());
      System.exit(1);
      return;
    }
    if (cmd.shouldHelp()
        || cmd.shouldList()
        || cmd.shouldListWithParams()
        || cmd.shouldListProfilers()
        || cmd.shouldListResultFormats()) {
      Main.main(args);
      return;
    }
    Collection<RunResult> results;
    try {
      results = new Runner(cmd).run();
    } catch (RunnerException e) {
      System.err.println("Benchmark run failed: " + e.getMessage());
      System.exit(1);
      return;
    }
    System.out.print(summary(results));
  }

  /** The ceiling table, or an empty string when the run lacks the forward or the products. */
  static String summary(Collection<RunResult> results) {
    double best = 0;
    StringBuilder products = new StringBuilder();
    List<RunResult> forwards = new ArrayList<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      if (name.endsWith("InternVitForwardBenchmark.matmul")) {
        int size = Integer.parseInt(r.getParams().getParam("size"));
        double gflops = 2.0 * size * size * size / (median(r) / 1e3) / 1e9;
        best = Math.max(best, gflops);
        products.append(
            String.format(
                Locale.ROOT, "  matmul %d x %d: %.1f GFLOP/s (median)%n", size, size, gflops));
      } else if (name.endsWith("InternVitForwardBenchmark.forward")) {
        forwards.add(r);
      }
    }
    if (best == 0 || forwards.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%nInternViT forward against the float32 matrix-product ceiling (same run, medians)%n"));
    out.append(products);
    out.append(
        String.format(
            Locale.ROOT,
            "%-6s %-6s %-9s %12s %9s %12s %14s %7s%n",
            "patch",
            "batch",
            "layer",
            "ms/batch",
            "images/s",
            "GFLOP/image",
            "ceiling img/s",
            "ratio"));
    for (RunResult r : forwards) {
      int patch = Integer.parseInt(r.getParams().getParam("patch"));
      int batch = Integer.parseInt(r.getParams().getParam("batch"));
      double ms = median(r);
      double images = batch / (ms / 1e3);
      double gflop =
          InternVitForwardBenchmark.flopsPerImage(InternVitForwardBenchmark.config(patch)) / 1e9;
      double ceiling = best / gflop;
      out.append(
          String.format(
              Locale.ROOT,
              "%-6d %-6d %-9s %12.1f %9.2f %12.2f %14.2f %6.0f%%%n",
              patch,
              batch,
              r.getParams().getParam("layer"),
              ms,
              images,
              gflop,
              ceiling,
              100 * images / ceiling));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "ceiling = best matmul GFLOP/s / GFLOP per image (a multiply-add counted as two)%n"));
    return out.toString();
  }

  /** The median of a sample-time result, in its unit (ms). */
  private static double median(RunResult r) {
    return r.getPrimaryResult().getStatistics().getPercentile(50);
  }
}
