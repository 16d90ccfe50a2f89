package io.vleval.engine.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.config.ModelEntry;
import io.vleval.api.config.RunConfig;
import io.vleval.api.config.TaskEntry;
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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Runs a config through either engine and compares what two runs wrote. */
final class EngineRuns {

  private EngineRuns() {}

  static PluginRegistry registry() {
    return PluginRegistry.discover(Thread.currentThread().getContextClassLoader());
  }

  /**
   * The quickstart, {@code examples/quickstart.yaml} with every model, dataset and task, written
   * into {@code dir} with its checkpoint paths made absolute.
   */
  static Path quickstart(Path dir) throws IOException {
    Path root = Path.of(System.getProperty("vleval.repoRoot"));
    String yaml = Files.readString(root.resolve("examples/quickstart.yaml"));
    yaml = yaml.replace("../models/", root.resolve("models").toString() + "/");
    Path config = dir.resolve("quickstart.yaml");
    Files.writeString(config, yaml);
    return config;
  }

  /** The result rows a config asks for, as "task on model": each task on each of its models. */
  static List<String> expectedRows(Path config) {
    RunConfig c = new ConfigLoader(registry()).load(config);
    List<String> rows = new ArrayList<>();
    for (TaskEntry t : c.tasks()) {
      List<String> models =
          t.models().isEmpty() ? c.models().stream().map(ModelEntry::name).toList() : t.models();
      for (String row : t.rowNames()) {
        for (String m : models) {
          rows.add(row + " on " + m);
        }
      }
    }
    return rows;
  }

  /**
   * Copies a finished run into {@code to} as if it had been interrupted: its results are gone and
   * each per-sample file has lost its last {@code lost} lines.
   */
  static Path interrupted(Path from, Path to, int lost) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path f : s.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else if (f.toString().endsWith(".jsonl")) {
          List<String> lines = Files.readAllLines(f);
          Files.write(target, lines.subList(0, Math.max(0, lines.size() - lost)));
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
