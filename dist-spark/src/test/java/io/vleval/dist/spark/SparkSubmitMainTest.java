package io.vleval.dist.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** spark-submit's application arguments become {@code vleval run}'s, on the spark engine. */
class SparkSubmitMainTest {

  @Test
  void runsTheConfigOnTheSparkEngine() {
    assertThat(SparkSubmitMain.runArguments(new String[] {"suite.yaml", "--out", "runs/a"}))
        .containsExactly("run", "suite.yaml", "--out", "runs/a", "--engine", "spark");
  }

  @Test
  void aLeadingRunIsTheCommandNotTheConfig() {
    assertThat(SparkSubmitMain.runArguments(new String[] {"run", "suite.yaml", "--resume"}))
        .containsExactly("run", "suite.yaml", "--resume", "--engine", "spark");
  }

  @Test
  void anEngineNamedOnTheCommandLineIsLeftToVlevalRun() {
    assertThat(SparkSubmitMain.runArguments(new String[] {"suite.yaml", "--engine=local"}))
        .containsExactly("run", "suite.yaml", "--engine=local");
  }
}
