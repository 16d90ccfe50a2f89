package io.vleval.tasks.head;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinearHeadTest {

  /** Three Gaussian blobs in 16 dimensions, centres far apart relative to the noise. */
  static float[][] blobs(int n, int[] labels, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] x = new float[n][16];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 3;
      for (int d = 0; d < 16; d++) {
        x[i][d] = (float) ((d % 3 == labels[i] ? 2.0 : 0.0) + r.nextGaussian() * 0.7 + 5);
      }
    }
    return x;
  }

  @Test
  void trainingLowersTheLossAndSeparatesTheClasses() {
    int[] y = new int[300];
    float[][] x = blobs(300, y, 1);
    int[] yTest = new int[150];
    float[][] xTest = blobs(150, yTest, 2);
    LinearHead.Settings s = new LinearHead.Settings(10, 32, 0.1, 1, 0.1, 5, 7);
    try (LinearHead head = LinearHead.train(x, y, 3, s)) {
      List<Double> losses = head.epochLosses();
      assertThat(losses).hasSize(10);
      assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0) * 0.6);
      float[][] logits = head.logits(xTest);
      int correct = 0;
      for (int i = 0; i < logits.length; i++) {
        int best = 0;
        for (int c = 1; c < 3; c++) {
          best = logits[i][c] > logits[i][best] ? c : best;
        }
        correct += best == yTest[i] ? 1 : 0;
      }
      assertThat(correct / 150.0).isGreaterThan(0.9);
    }
  }

  @Test
  void sameSeedSameHead() {
    int[] y = new int[60];
    float[][] x = blobs(60, y, 3);
    LinearHead.Settings s = new LinearHead.Settings(3, 16, 0.1, 1, 0.1, 5, 11);
    try (LinearHead a = LinearHead.train(x, y, 3, s);
        LinearHead b = LinearHead.train(x, y, 3, s)) {
      assertThat(b.logits(x)).isDeepEqualTo(a.logits(x));
    }
  }
}
