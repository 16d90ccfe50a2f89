package io.vleval.cli;

import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticSuite;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code vleval synth}: writes the synthetic suite in the public datasets' layouts. */
@Command(
    name = "synth",
    mixinStandardHelpOptions = true,
    description = {
      "Write the synthetic suite (coloured shapes on textures) in the public layouts:",
      "imagefolder classification, ADE20K segmentation, Karpathy/COCO captions, Kinetics videos,",
      "an MMBench TSV and XTD captions (English and Chinese). Same seed, same bytes.",
      "--scale large writes 100,008 training images (ImageNet's folder layout), 5,000-image",
      "Karpathy val and test splits and 4,000 MMBench questions, to measure a run at scale."
    })
final class SynthCommand implements Callable<Integer> {

  @ParentCommand VlevalCommand parent;
  @Mixin CommonOptions common;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "DIR",
      description = "A new folder to write into.")
  Path out;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Generator seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--scale",
      defaultValue = "small",
      description = "tiny, small, medium or large (default ${DEFAULT-VALUE}).")
  String scale;

  @Override
  public Integer call() {
    Scale s;
    try {
      s = Scale.valueOf(scale.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      parent
          .console
          .err()
          .println("error: --scale must be tiny, small, medium or large, got '" + scale + "'");
      return ExitCode.USER_ERROR;
    }
    long t0 = System.nanoTime();
    Progress progress = new Progress(parent.console, s.size().images(), t0);
    new SyntheticSuite(seed, s)
        .write(out, Math.max(1, Runtime.getRuntime().availableProcessors()), progress);
    progress.finish();
    parent
        .console
        .out()
        .printf(
            Locale.ROOT,
            "wrote the %s synthetic suite (seed %d) to %s in %.1f s%n",
            scale.toLowerCase(Locale.ROOT),
            seed,
            out,
            (System.nanoTime() - t0) / 1e9);
    return ExitCode.OK;
  }

  /**
   * Counts written images from the generator's threads and shows the count on standard error: a
   * redrawn line on a terminal, a plain line every five seconds otherwise (as a run's progress).
   */
  static final class Progress implements Runnable {
    private static final long TERMINAL_NANOS = 200_000_000L;
    private static final long LINE_NANOS = 5_000_000_000L;

    private final Console console;
    private final long total;
    private final long start;
    private final AtomicLong done = new AtomicLong();
    private long lastShown;

    Progress(Console console, long total, long start) {
      this.console = console;
      this.total = total;
      this.start = start;
      this.lastShown = start;
    }

    @Override
    public void run() {
      long d = done.incrementAndGet();
      long now = System.nanoTime();
      synchronized (this) {
        if (now - lastShown < (console.interactive() ? TERMINAL_NANOS : LINE_NANOS)) {
          return;
        }
        lastShown = now;
        show(d, now);
      }
    }

    /** The last count, on a line of its own. */
    synchronized void finish() {
      show(done.get(), System.nanoTime());
      if (console.interactive()) {
        console.err().println();
        console.err().flush();
      }
    }

    private void show(long d, long now) {
      double seconds = Math.max(1e-9, (now - start) / 1e9);
      String line =
          String.format(
              Locale.ROOT,
              "synth: %d/%d images (%d%%), %.0f s, %.0f images/s",
              d,
              total,
              total == 0 ? 100 : d * 100 / total,
              seconds,
              d / seconds);
      if (console.interactive()) {
        console.err().print("\r" + line + "  ");
      } else {
        console.err().println(line);
      }
      console.err().flush();
    }
  }
}
