package io.vleval.tasks.head;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProbeHeadTest {

  static float[][] random(int n, int d, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] x = new float[n][d];
    for (float[] row : x) {
      for (int i = 0; i < d; i++) {
        row[i] = (float) r.nextGaussian();
      }
    }
    return x;
  }

  static Map<String, float[]> train(int pooling) {
    float[][] t = new float[8][3];
    for (int i = 0; i < 8; i++) {
      t[i][i % 3] = 1;
    }
    try (ProbeHead h = ProbeHead.create(8, 3, pooling, 4)) {
      for (int s = 0; s < 5; s++) {
        h.step(
            random(8, pooling > 0 ? 8 * 5 : 8, s), t, 0.1, new ProbeHead.StepSettings(0.9, 0, 5));
      }
      return h.state();
    }
  }

  @Test
  void sameInputsSameHead() {
    for (int pooling : new int[] {0, 2}) {
      Map<String, float[]> a = train(pooling);
      Map<String, float[]> b = train(pooling);
      assertThat(a.keySet()).isEqualTo(b.keySet());
      for (String k : a.keySet()) {
        assertThat(b.get(k)).as(k + " pooling " + pooling).containsExactly(a.get(k));
      }
    }
  }

  @Test
  void aStepAtRateZeroChangesNoParameter() {
    float[][] t = new float[8][3];
    for (int i = 0; i < 8; i++) {
      t[i][i % 3] = 1;
    }
    try (ProbeHead h = ProbeHead.create(8, 3, 0, 4)) {
      Map<String, float[]> before = h.state();
      for (int s = 0; s < 3; s++) {
        h.step(random(8, 8, s), t, 0.0, new ProbeHead.StepSettings(0.9, 0, 5));
      }
      Map<String, float[]> after = h.state();
      for (String k : before.keySet()) {
        if (!k.startsWith("norm.running")) {
          assertThat(after.get(k)).as(k).containsExactly(before.get(k));
        }
      }
    }
  }

  @Test
  void stepsAndEvaluationsLeaveNoArrayBehind() {
    float[][] t = new float[8][3];
    for (int i = 0; i < 8; i++) {
      t[i][i % 3] = 1;
    }
    for (int pooling : new int[] {0, 2}) {
      try (ProbeHead h = ProbeHead.create(8, 3, pooling, 4)) {
        int d = pooling > 0 ? 8 * 5 : 8;
        h.step(random(8, d, 0), t, 0.1, new ProbeHead.StepSettings(0.9, 0.01, 5));
        int after1 = h.managedArrays();
        for (int s = 1; s < 20; s++) {
          h.step(random(8, d, s), t, 0.1, new ProbeHead.StepSettings(0.9, 0.01, 5));
          h.logits(random(3, d, 100 + s));
        }
        assertThat(h.managedArrays()).as("pooling " + pooling).isEqualTo(after1);
      }
    }
  }
}
