package io.vleval.dist.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.cli.Main;
import io.vleval.core.run.ResultFiles;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vleval-spark.jar} as users run it: submitted with Spark's own {@code SparkSubmit} in a JVM
 * whose class path is Spark's alone, with PyTorch's native jar given by {@code --jars}. The run it
 * writes equals the local engine's: the same scores and the same per-sample files.
 */
class SparkSubmitJarIT {

  @TempDir Path temp;

  @Test
  void submittedRunEqualsTheLocalEngines() throws Exception {
    Path root = Path.of(System.getProperty("vleval.repoRoot"));
    Path config = temp.resolve("submit.yaml");
    Files.writeString(
        config,
        """
        run: {name: submit, seed: 0, batch_size: 8}
        models:
          - {name: tiny-internvl, type: internvl, checkpoint: '%s', head: c}
          - {name: pixels, type: pixel-baseline}
        datasets:
          - {name: shapes-train, type: synthetic, part: classification-train}
          - {name: shapes-val, type: synthetic, part: classification-val}
          - {name: captions-test, type: synthetic, part: captions-test}
        tasks:
          - {name: zero-shot, type: zero-shot-classification, dataset: shapes-val}
          - {name: retrieval, type: retrieval, dataset: captions-test}
          - name: linear-probe
            type: linear-probe
            dataset: shapes-val
            train_dataset: shapes-train
            models: [pixels]
            mode: cached-features
            feature: embedding
            epochs: 5
            batch_size: 64
        """
            .formatted(root.resolve("models/tiny-internvl-c")));
    StringWriter localErr = new StringWriter();
    int localCode =
        Main.run(
            new String[] {"run", config.toString(), "--out", temp.resolve("local").toString()},
            new PrintWriter(new StringWriter()),
            new PrintWriter(localErr),
            false);
    assertThat(localCode).as(localErr.toString()).isZero();

    Path log = temp.resolve("spark-submit.log");
    Process submit =
        new ProcessBuilder(
                submitCommand(
                    "--master",
                    "local[2]",
                    "--conf",
                    "spark.vleval.partitionBatches=1",
                    "--jars",
                    nativeJar().toString(),
                    System.getProperty("vleval.sparkJar"),
                    config.toString(),
                    "--out",
                    temp.resolve("submitted").toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean ended = submit.waitFor(5, TimeUnit.MINUTES);
    if (!ended) {
      submit.destroyForcibly().waitFor();
    }
    assertThat(ended ? submit.exitValue() : -1).as(tail(log)).isZero();

    RunResult local = ResultFiles.read(temp.resolve("local"));
    RunResult submitted = ResultFiles.read(temp.resolve("submitted"));
    assertThat(submitted.tasks()).hasSize(local.tasks().size()).hasSize(5);
    for (int i = 0; i < local.tasks().size(); i++) {
      TaskResult e = local.tasks().get(i);
      TaskResult a = submitted.tasks().get(i);
      String what = e.task() + " on " + e.model();
      assertThat(a.task() + " on " + a.model()).isEqualTo(what);
      assertThat(a.headline()).as(what).isEqualTo(e.headline());
      assertThat(a.metrics()).as(what).isEqualTo(e.metrics());
      assertThat(a.sampleCount()).as(what).isEqualTo(e.sampleCount()).isPositive();
    }
    // each sample once, in dataset order, as the local engine wrote it
    List<String> files = sampleFiles(temp.resolve("local"));
    assertThat(sampleFiles(temp.resolve("submitted"))).isEqualTo(files).isNotEmpty();
    for (String f : files) {
      assertThat(Files.readString(temp.resolve("submitted").resolve(f)))
          .as(f)
          .isEqualTo(Files.readString(temp.resolve("local").resolve(f)));
    }
    // the run went through the Spark engine: the driver's log says how it split each row, and the
    // timing table says what its phases count
    assertThat(Files.readString(log))
        .contains("samples in", "partitions")
        .contains("timing (--engine spark): decode, preprocess and model seconds count");
  }

  /** {@code java [Spark's Java 17 openings] -cp SPARK'S JARS SparkSubmit ARGS}. */
  private static List<String> submitCommand(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String o : System.getProperty("vleval.spark.javaOptions", "").split(" ")) {
      if (!o.isBlank()) {
        command.add(o);
      }
    }
    command.add("-Xmx1g");
    command.add("-cp");
    command.add(
        Files.readString(Path.of(System.getProperty("vleval.sparkClasspath"))).strip()
            + File.pathSeparator
            + Files.readString(Path.of(System.getProperty("vleval.sparkSharedClasspath"))).strip());
    command.add("org.apache.spark.deploy.SparkSubmit");
    command.addAll(Arrays.asList(args));
    return command;
  }

  /** PyTorch's CPU natives, which the jar leaves out: the jar Maven resolved for the tests. */
  private static Path nativeJar() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> Path.of(e).getFileName().toString().startsWith("pytorch-native-cpu-"))
        .map(Path::of)
        .findFirst()
        .orElseThrow(
            () -> new IllegalStateException("no pytorch-native-cpu jar on the class path"));
  }

  /** The run's per-sample files, relative to the run directory. */
  private static List<String> sampleFiles(Path runDir) throws IOException {
    try (Stream<Path> s = Files.walk(runDir.resolve("samples"))) {
      return s.filter(Files::isRegularFile)
          .map(f -> runDir.relativize(f).toString())
          .sorted()
          .toList();
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return "spark-submit's output ends:\n"
        + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
