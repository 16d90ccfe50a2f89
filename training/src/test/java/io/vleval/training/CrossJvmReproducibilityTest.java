package io.vleval.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same config trained in two fresh JVMs with very different garbage-collection behaviour (a
 * small direct-memory limit that forces a GC every few steps and the serial collector, against the
 * parallel collector with the defaults) gives bitwise the same losses, gradient norms and weights.
 * Before the backward pass stopped reading memory that the GC frees ({@code nd.Scalars}), the two
 * runs parted from step 2 on and the first one got NaN gradients.
 */
class CrossJvmReproducibilityTest {

  @TempDir Path tmp;

  @Test
  void twoJvmsTrainBitwiseAlike() throws Exception {
    SyntheticData.tiny(); // generate the suite once, before the children read it
    Child ca =
        new Child(tmp.resolve("a"), "-XX:+UseSerialGC", "-Xmx256m", "-XX:MaxDirectMemorySize=24m");
    Child cb = new Child(tmp.resolve("b"), "-XX:+UseParallelGC", "-Xmx1g");
    List<String> a = ca.lines();
    List<String> b = cb.lines();
    List<String> la =
        a.stream().filter(l -> l.startsWith("LOSS ") || l.startsWith("SHA ")).toList();
    List<String> lb =
        b.stream().filter(l -> l.startsWith("LOSS ") || l.startsWith("SHA ")).toList();
    assertThat(la).as("child a's report").hasSizeGreaterThan(30);
    assertThat(a).noneMatch(l -> l.contains("non-finite"));
    assertThat(b).noneMatch(l -> l.contains("non-finite"));
    assertThat(lb).isEqualTo(la);
  }

  /** A child JVM running {@link ReproducibleRunMain}; both children run at once. */
  private static final class Child {
    private final Process process;
    private final Path log;

    Child(Path out, String... jvmFlags) throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(List.of(jvmFlags));
      cmd.add("-Dai.djl.offline=true");
      cmd.add("-Dai.djl.pytorch.num_threads=1");
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(ReproducibleRunMain.class.getName());
      cmd.add(out.toString());
      cmd.add("40");
      cmd.add("6");
      log = Files.createTempFile("child", ".log");
      process =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    List<String> lines() throws IOException, InterruptedException {
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("the child JVM did not finish in 5 minutes");
      }
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      Files.delete(log);
      assertThat(process.exitValue()).as(String.join("\n", lines)).isZero();
      return lines;
    }
  }
}
