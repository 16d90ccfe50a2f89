package io.vleval.cli;

import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticSuite;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
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
      "an MMBench TSV and XTD captions (English and Chinese). Same seed, same bytes."
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
      description = "tiny, small or medium (default ${DEFAULT-VALUE}).")
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
          .println("error: --scale must be tiny, small or medium, got '" + scale + "'");
      return ExitCode.USER_ERROR;
    }
    long t0 = System.nanoTime();
    new SyntheticSuite(seed, s).write(out, Math.max(1, Runtime.getRuntime().availableProcessors()));
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
}
