package io.vleval.engine.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.result.RunResult;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart's tasks through {@code --engine spark --master local[2]} write the same per-sample
 * files and the same scores as the local engine, and an interrupted run resumes on either engine.
 * The runs happen once, for every test method.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkLocalModeTest {

  private Path temp;
  private RunResult local;
  private RunResult spark;
  private RunResult localThenSpark;
  private RunResult sparkThenLocal;

  @BeforeAll
  void runBoth(@TempDir Path dir) throws Exception {
    temp = dir;
    // small partitions: every row is split across both task slots and several partitions
    System.setProperty(SparkEngine.PARTITION_BATCHES, "1");
    Path config = EngineRuns.quickstart(temp);
    local = EngineRuns.local(config, temp.resolve("local"), false);
    spark = EngineRuns.spark(config, temp.resolve("spark"), false, "local[2]");
    // interrupted after 20 records a row (several batches of the smaller tasks), resumed on the
    // other engine
    localThenSpark =
        EngineRuns.spark(
            config,
            EngineRuns.interrupted(temp.resolve("local"), temp.resolve("local-spark"), 20),
            true,
            "local[2]");
    sparkThenLocal =
        EngineRuns.local(
            config,
            EngineRuns.interrupted(temp.resolve("spark"), temp.resolve("spark-local"), 20),
            true);
  }

  @AfterAll
  void clear() {
    System.clearProperty(SparkEngine.PARTITION_BATCHES);
  }

  @Test
  void scoresEqualTheLocalEngines() {
    // zero-shot on 3 models, the linear probe, retrieval and MMBench on 2 each
    assertThat(local.tasks()).hasSize(9);
    EngineRuns.assertSameScores(local, spark);
  }

  @Test
  void perSampleFilesEqualTheLocalEngines() {
    EngineRuns.assertSameSamples(temp.resolve("local"), temp.resolve("spark"));
  }

  @Test
  void aLocalRunResumesOnSpark() {
    EngineRuns.assertSameScores(local, localThenSpark);
    EngineRuns.assertSameSamples(temp.resolve("local"), temp.resolve("local-spark"));
  }

  @Test
  void aSparkRunResumesLocally() {
    EngineRuns.assertSameScores(local, sparkThenLocal);
    EngineRuns.assertSameSamples(temp.resolve("local"), temp.resolve("spark-local"));
  }
}
