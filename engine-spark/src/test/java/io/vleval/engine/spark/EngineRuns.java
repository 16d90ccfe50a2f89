package io.vleval.engine.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.config.RunConfig;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.core.config.ConfigLoader;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.core.run.RemoteEngine;
import io.vleval.core.run.ResultFiles;
import io.vleval.core.run.RunListener;
import io.vleval.core.run.RunOptions;
import io.vleval.core.run.Runner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Runs a config through either engine and compares what two runs wrote. */
final class EngineRuns {

  private EngineRuns() {}

  static PluginRegistry registry() {
    return PluginRegistry.discover(Thread.currentThread().getContextClassLoader());
  }

  /**
   * A subset of the quickstart, written into {@code dir}: its models and datasets, with the tasks
   * that exercise each kind of session (zero-shot, a trained linear probe, retrieval, MMBench).
   */
  static Path quickstart(Path dir) throws IOException {
    Path root = Path.of(System.getProperty("vleval.repoRoot"));
    String yaml = Files.readString(root.resolve("examples/quickstart.yaml"));
    yaml = yaml.replace("../models/", root.resolve("models").toString() + "/");
    int tasks = yaml.indexOf("\ntasks:\n");
    yaml =
        yaml.substring(0, tasks)
            + """

            tasks:
              - name: zero-shot
                type: zero-shot-classification
                dataset: shapes-val
                models: [tiny-internvl, random, pixels]
              - name: linear-probe
                type: linear-probe
                dataset: shapes-val
                train_dataset: shapes-train
                models: [tiny-internvl, pixels]
                mode: cached-features
                feature: embedding
                epochs: 30
                batch_size: 64
              - name: retrieval-zh
                type: retrieval
                dataset: xtd-zh
                pre_caption: false
                models: [tiny-internvl, random]
              - name: mmbench
                type: mmbench
                dataset: questions
                models: [tiny-internvl-chat, random]
            """;
    Path config = dir.resolve("quickstart.yaml");
    Files.writeString(config, yaml);
    return config;
  }

  /**
   * Copies a finished run into {@code to} as if it had been interrupted: its results are gone and
   * each per-sample file keeps its first {@code keep} lines.
   */
  static Path interrupted(Path from, Path to, int keep) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path f : s.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else if (f.toString().endsWith(".jsonl")) {
          List<String> lines = Files.readAllLines(f);
          Files.write(target, lines.subList(0, Math.min(keep, lines.size())));
        } else if (!f.getFileName().toString().startsWith("results.")) {
          Files.copy(f, target);
        }
      }
    }
    return to;
  }

  static RunResult local(Path config, Path runDir, boolean resume) {
    PluginRegistry registry = registry();
    RunConfig c = new ConfigLoader(registry).load(config);
    return new Runner(registry, RunListener.SILENT).run(c, new RunOptions(runDir, resume));
  }

  static RunResult spark(Path config, Path runDir, boolean resume, String master) {
    PluginRegistry registry = registry();
    RunConfig c = new ConfigLoader(registry).load(config);
    try (RemoteEngine engine = new SparkEngineProvider().start(config, master)) {
      return new Runner(registry, RunListener.SILENT, engine)
          .run(c, new RunOptions(runDir, resume));
    }
  }

  /** Every row's scores and counts equal; times and throughput are left out. */
  static void assertSameScores(RunResult expected, RunResult actual) {
    assertThat(actual.tasks()).hasSameSizeAs(expected.tasks());
    for (int i = 0; i < expected.tasks().size(); i++) {
      TaskResult e = expected.tasks().get(i);
      TaskResult a = actual.tasks().get(i);
      String what = e.task() + " on " + e.model();
      assertThat(a.task() + " on " + a.model()).isEqualTo(what);
      assertThat(a.headline()).as(what).isEqualTo(e.headline());
      assertThat(a.metrics()).as(what).isEqualTo(e.metrics());
      assertThat(a.categories()).as(what).isEqualTo(e.categories());
      assertThat(a.sampleCount()).as(what).isEqualTo(e.sampleCount());
      assertThat(a.failedCount()).as(what).isEqualTo(e.failedCount());
      assertThat(a.status()).as(what).isEqualTo(e.status());
    }
  }

  /** Every per-sample file of {@code expected}'s samples/ is in {@code actual}'s, byte for byte. */
  static void assertSameSamples(Path expected, Path actual) {
    List<Path> files = sampleFiles(expected);
    assertThat(files).isNotEmpty();
    assertThat(sampleFiles(actual).stream().map(f -> actual.relativize(f).toString()))
        .containsExactlyInAnyOrderElementsOf(
            files.stream().map(f -> expected.relativize(f).toString()).toList());
    for (Path f : files) {
      Path other = actual.resolve(expected.relativize(f).toString());
      try {
        assertThat(Files.readString(other)).as(other.toString()).isEqualTo(Files.readString(f));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static List<Path> sampleFiles(Path runDir) {
    try (Stream<Path> s = Files.walk(runDir.resolve("samples"))) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RunResult read(Path runDir) {
    return ResultFiles.read(runDir);
  }
}
