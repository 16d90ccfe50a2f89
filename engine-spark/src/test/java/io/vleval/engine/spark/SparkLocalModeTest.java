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
 * The quickstart ({@code examples/quickstart.yaml}, every task on every model it names) through
 * {@code --engine spark --master local[2]} writes the same per-sample files and the same scores as
 * the local engine, and an interrupted run resumes on either engine. The runs happen once, for
 * every test method.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkLocalModeTest {

  private Path temp;
  private Path config;
  private RunResult local;
  private RunResult spark;
  private RunResult localThenSpark;
  private RunResult sparkThenLocal;

  @BeforeAll
  void runBoth(@TempDir Path dir) throws Exception {
    temp = dir;
    // small partitions: every row is split across both task slots and several partitions
    System.setProperty(SparkEngine.PARTITION_BATCHES, "1");
    config = EngineRuns.quickstart(temp);
    local = EngineRuns.local(config, temp.resolve("local"), false);
    spark = EngineRuns.spark(config, temp.resolve("spark"), false, "local[2]");
    // interrupted 40 records before the end of each row (several batches, in several partitions),
    // resumed on the other engine; the rows' sessions start again as after a real interruption
    localThenSpark =
        EngineRuns.spark(
            config,
            EngineRuns.interrupted(temp.resolve("local"), temp.resolve("local-spark"), 40),
            true,
            "local[2]");
    sparkThenLocal =
        EngineRuns.local(
            config,
            EngineRuns.interrupted(temp.resolve("spark"), temp.resolve("spark-local"), 40),
            true);
  }

  @AfterAll
  void clear() {
    System.clearProperty(SparkEngine.PARTITION_BATCHES);
  }

  @Test
  void scoresEqualTheLocalEngines() {
    assertThat(local.tasks().stream().map(t -> t.task() + " on " + t.model()))
        .containsExactlyInAnyOrderElementsOf(EngineRuns.expectedRows(config));
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
