package io.vleval.tasks.linearprobe;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.task.TaskOutcome;
import io.vleval.tasks.head.LinearHead;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cached-features probe trained a mini-batch at a time from a memory-mapped feature file
 * (mapped here in pieces much smaller than the file) gives the same head, records and acc1 as the
 * same features in memory with the same seed.
 */
class FeatureFileTrainingTest {

  @TempDir Path dir;

  static final int CLASSES = 4;
  static final int DIM = 12;

  static float[][] blobs(int n, int[] labels, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] x = new float[n][DIM];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(CLASSES);
      for (int d = 0; d < DIM; d++) {
        x[i][d] = (float) ((d % CLASSES == labels[i] ? 1.2 : 0.0) + r.nextGaussian());
      }
    }
    return x;
  }

  private static List<ProbePrediction> records(LinearHead head, float[][] x, int[] y) {
    float[][] logits = head.logits(x);
    List<ProbePrediction> out = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      out.add(ProbePrediction.of("v" + i, y[i], List.of(), logits[i]));
    }
    return out;
  }

  @Test
  void theFileBackedHeadEqualsTheInMemoryHead() {
    int[] y = new int[203];
    float[][] x = blobs(y.length, y, 5);
    int[] yVal = new int[80];
    float[][] xVal = blobs(yVal.length, yVal, 6);
    Path file = dir.resolve("train.f32");
    try (FeatureFile.Writer w = new FeatureFile.Writer(file)) {
      for (int i = 0; i < x.length; i++) {
        w.add("t" + i, y[i], x[i]);
      }
      w.commit();
    }
    // batch 32 over 203 rows: a last partial batch, and batches that cross the 7-row mappings
    LinearHead.Settings s = new LinearHead.Settings(4, 32, 0.2, 1, 0.1, 5, 17);
    List<String> classes = List.of("a", "b", "c", "d");
    ScoreOptions o = new ScoreOptions(50, 3, 0.95);
    try (LinearHead inMemory = LinearHead.train(x, y, CLASSES, s);
        FeatureFile features = FeatureFile.open(file, 7 * (4 + 4 * DIM));
        LinearHead fromFile = LinearHead.train(features, y, CLASSES, s)) {
      assertThat(fromFile.epochLosses()).isEqualTo(inMemory.epochLosses());
      assertThat(fromFile.logits(xVal)).isDeepEqualTo(inMemory.logits(xVal));
      List<ProbePrediction> a = records(inMemory, xVal, yVal);
      List<ProbePrediction> b = records(fromFile, xVal, yVal);
      assertThat(b).isEqualTo(a);
      TaskOutcome scoredA = ProbeScores.of(a, classes, o);
      TaskOutcome scoredB = ProbeScores.of(b, classes, o);
      assertThat(scoredB.metrics()).isEqualTo(scoredA.metrics());
      // the head learned something, so equal scores are not two chance-level accidents
      assertThat(scoredA.metrics().get(0).name()).isEqualTo("acc1");
      assertThat(scoredA.metrics().get(0).value()).isGreaterThan(1.5 / CLASSES);
    }
  }
}
