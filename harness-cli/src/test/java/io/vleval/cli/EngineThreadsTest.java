package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The CLI sets PyTorch's thread counts before the engine starts, so the engine runs with them: one
 * intra-op thread per processor the JVM sees and one inter-op thread by default, a user's {@code
 * -Dai.djl.pytorch.num_threads} or {@code OMP_NUM_THREADS} otherwise. Each case is a fresh JVM,
 * because the engine reads the settings once per process.
 */
class EngineThreadsTest {

  /**
   * Runs {@link EngineThreadsProbe} in a fresh JVM.
   *
   * @param omp {@code OMP_NUM_THREADS} for the child, or null to leave it unset
   */
  private static String probe(String omp, String... jvmOptions) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Dai.djl.offline=true");
    cmd.addAll(List.of(jvmOptions));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(EngineThreadsProbe.class.getName());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("OMP_NUM_THREADS");
    if (omp != null) {
      pb.environment().put("OMP_NUM_THREADS", omp);
    }
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void byDefaultTheEngineGetsOneIntraOpThreadPerProcessorTheJvmSeesAndOneInterOpThread()
      throws Exception {
    // 3 processors is a count PyTorch would not choose on its own on this machine unless it had
    // exactly 3 cores, and its own inter-op default is the core count, not 1
    assertThat(probe(null, "-XX:ActiveProcessorCount=3")).contains("exit=0 intra=3 inter=1");
    assertThat(probe(null, "-XX:ActiveProcessorCount=1")).contains("exit=0 intra=1 inter=1");
  }

  @Test
  void aUsersSystemPropertyOrOmpNumThreadsWins() throws Exception {
    assertThat(
            probe(
                "2",
                "-XX:ActiveProcessorCount=3",
                "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=2"))
        .contains("exit=0 intra=1 inter=2");
    assertThat(probe("2", "-XX:ActiveProcessorCount=3")).contains("exit=0 intra=2 inter=1");
  }

  @Test
  void anInvalidCountIsAUserErrorOnOneLine() throws Exception {
    String out = probe(null, "-Dai.djl.pytorch.num_threads=lots");
    assertThat(out)
        .contains("exit=2 ")
        .contains(
            "error: the system property -Dai.djl.pytorch.num_threads is 'lots': expected a"
                + " positive whole number of threads, such as 1 or 2")
        .doesNotContain("Exception");
  }
}
