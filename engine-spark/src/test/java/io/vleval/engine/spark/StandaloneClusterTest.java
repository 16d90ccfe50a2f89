package io.vleval.engine.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.result.RunResult;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkContext$;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;

/**
 * A real standalone cluster on 127.0.0.1: a Master and two single-core Workers, each its own JVM
 * started from Spark's classes. A run is submitted, one executor is killed with SIGKILL once tasks
 * have finished, and the run still ends with every sample once and the local engine's scores.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandaloneClusterTest {

  private final List<Process> daemons = new ArrayList<>();
  private Path temp;
  private RunResult local;
  private RunResult cluster;
  private volatile long killed = -1;
  private volatile String seen = "nothing";

  @BeforeAll
  void runOnACluster(@TempDir Path dir) throws Exception {
    temp = dir;
    Path config = temp.resolve("cluster.yaml");
    Path root = Path.of(System.getProperty("vleval.repoRoot"));
    Files.writeString(
        config,
        """
        run: {name: cluster, seed: 0, batch_size: 2}
        models:
          - {name: tiny-internvl, type: internvl, checkpoint: %s, head: c}
        datasets:
          - {name: shapes-val, type: synthetic, part: classification-val}
          - {name: captions-test, type: synthetic, part: captions-test}
        tasks:
          - {name: zero-shot, type: zero-shot-classification, dataset: shapes-val}
          - {name: retrieval, type: retrieval, dataset: captions-test}
        """
            .formatted(root.resolve("models/tiny-internvl-c")));
    local = EngineRuns.local(config, temp.resolve("local"), false);

    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "spark://127.0.0.1:" + port;
    Path home = sparkHome(temp.resolve("spark-home"));
    daemons.add(
        start(
            home,
            temp.resolve("master.log"),
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--webui-port",
            "0"));
    for (int w = 1; w <= 2; w++) {
      daemons.add(
          start(
              home,
              temp.resolve("worker" + w + ".log"),
              "org.apache.spark.deploy.worker.Worker",
              "--host",
              "127.0.0.1",
              "--cores",
              "1",
              "--memory",
              "2g",
              "--webui-port",
              "0",
              "--work-dir",
              temp.resolve("work" + w).toString(),
              url));
    }
    System.setProperty("spark.driver.host", "127.0.0.1");
    System.setProperty("spark.driver.bindAddress", "127.0.0.1");
    System.setProperty("spark.executor.memory", "1g");
    System.setProperty("spark.executor.cores", "1");
    System.setProperty("spark.cores.max", "2");
    // the test's classes are folders, not jars: executors on this machine read the same class path
    System.setProperty("spark.executor.extraClassPath", System.getProperty("java.class.path"));
    System.setProperty(
        "spark.executor.extraJavaOptions", System.getProperty("vleval.spark.javaOptions", ""));
    System.setProperty("spark.jars", "");
    System.setProperty(SparkEngine.PARTITION_BATCHES, "1");
    Thread killer = new Thread(this::killAnExecutorMidRun, "executor-killer");
    killer.setDaemon(true);
    killer.start();
    try {
      cluster = EngineRuns.spark(config, temp.resolve("cluster"), false, url);
    } finally {
      killer.interrupt();
      for (String p :
          List.of(
              "spark.driver.host",
              "spark.driver.bindAddress",
              "spark.executor.memory",
              "spark.executor.cores",
              "spark.cores.max",
              "spark.executor.extraClassPath",
              "spark.executor.extraJavaOptions",
              "spark.jars",
              SparkEngine.PARTITION_BATCHES)) {
        System.clearProperty(p);
      }
    }
  }

  /** Waits until executors have finished a few tasks, then kills one with SIGKILL. */
  private void killAnExecutorMidRun() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Thread.sleep(100);
        int finished = finishedTasks();
        int running = executors().size();
        if (finished > 0 || running > 0) {
          seen = finished + " tasks finished, executors " + running;
        }
        if (finished >= 4) {
          Optional<ProcessHandle> executor = executors().stream().findFirst();
          if (executor.isPresent()) {
            killed = executor.get().pid();
            executor.get().destroyForcibly(); // SIGKILL on Linux
            return;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The executor JVMs the Workers started (CoarseGrainedExecutorBackend in the command line). */
  private List<ProcessHandle> executors() {
    List<ProcessHandle> out = new ArrayList<>();
    for (Process d : daemons) {
      d.descendants().filter(StandaloneClusterTest::isExecutor).forEach(out::add);
    }
    return out;
  }

  private static boolean isExecutor(ProcessHandle p) {
    // ProcessHandle.Info may leave out long command lines; Linux keeps them in /proc
    try {
      return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"))
          .contains("CoarseGrainedExecutorBackend");
    } catch (IOException e) {
      return p.info()
          .commandLine()
          .map(c -> c.contains("CoarseGrainedExecutorBackend"))
          .orElse(false);
    }
  }

  /** Tasks finished in the running stages, from the driver's status tracker. */
  private static int finishedTasks() {
    // getActive is Spark-internal in Scala's eyes, public to Java: the test only reads it
    Option<SparkContext> active = SparkContext$.MODULE$.getActive();
    if (active.isEmpty()) {
      return 0;
    }
    SparkStatusTracker status = active.get().statusTracker();
    int n = 0;
    for (int stage : status.getActiveStageIds()) {
      Option<SparkStageInfo> info = status.getStageInfo(stage);
      if (info.isDefined()) {
        n += info.get().numCompletedTasks();
      }
    }
    return n;
  }

  private static Path sparkHome(Path home) throws IOException {
    // Workers build executor commands from SPARK_HOME: a release layout whose jars/ are Spark's
    Path jars = Files.createDirectories(home.resolve("jars"));
    Files.writeString(home.resolve("RELEASE"), "Spark for vleval's cluster test\n");
    Set<String> names = new HashSet<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (entry.endsWith(".jar") && names.add(p.getFileName().toString())) {
        Files.createSymbolicLink(jars.resolve(p.getFileName().toString()), p);
      }
    }
    return home;
  }

  private Process start(Path home, Path log, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String o : System.getProperty("vleval.spark.javaOptions", "").split(" ")) {
      if (!o.isBlank()) {
        command.add(o);
      }
    }
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(home.resolve("jars").toString() + File.separator + "*");
    command.add(mainClass);
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    return pb.start();
  }

  @AfterAll
  void stopTheCluster() throws InterruptedException {
    for (Process d : daemons) {
      d.descendants().forEach(ProcessHandle::destroyForcibly);
      d.destroyForcibly();
    }
    for (Process d : daemons) {
      d.waitFor();
    }
  }

  @Test
  void anExecutorWasKilledMidRun() {
    assertThat(killed).as("an executor's pid; last seen: " + seen).isPositive();
    assertThat(ProcessHandle.of(killed).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  @Test
  void everySampleIsRecordedOnceWithTheLocalEnginesScores() {
    EngineRuns.assertSameScores(local, cluster);
    // byte for byte: each sample once, in dataset order, as the local engine wrote it
    EngineRuns.assertSameSamples(temp.resolve("local"), temp.resolve("cluster"));
  }
}
