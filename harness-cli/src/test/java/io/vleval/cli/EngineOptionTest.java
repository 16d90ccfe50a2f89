package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vleval run --engine/--master}: mistakes and a missing Spark are one line and exit 2; the
 * engine-spark module's tests run the engine itself.
 */
class EngineOptionTest {

  @TempDir Path temp;

  private static String quickstart() {
    return Path.of(System.getProperty("vleval.repoRoot"), "examples", "quickstart.yaml").toString();
  }

  @Test
  void sparkWithoutSparkOnTheClassPathIsOneLineAndExit2() {
    // this module's test class path has the engine but not Spark (provided)
    Cli.Result r =
        Cli.run(
            "run",
            quickstart(),
            "--engine",
            "spark",
            "--master",
            "local[2]",
            "--out",
            temp.resolve("run").toString());
    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("Spark is not on the class path").doesNotContain("Exception");
  }

  @Test
  void anUnknownEngineIsNamed() {
    Cli.Result r = Cli.run("run", quickstart(), "--engine", "flink");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(r.err()).contains("--engine flink").contains("expected local or spark");
  }

  @Test
  void masterNeedsTheSparkEngine() {
    Cli.Result r = Cli.run("run", quickstart(), "--master", "local[2]");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(r.err()).contains("--master local[2] needs --engine spark");
  }
}
