package io.vleval.tasks.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
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

  /** Hands out sub-managers of {@code root} and remembers them. */
  private static final class Managers implements Supplier<NDManager> {
    final NDManager root;
    final List<NDManager> handedOut = new ArrayList<>();

    Managers(NDManager root) {
      this.root = root;
    }

    @Override
    public NDManager get() {
      NDManager m = root.newSubManager();
      handedOut.add(m);
      return m;
    }

    long open() {
      return handedOut.stream().filter(NDManager::isOpen).count();
    }
  }

  /** Feature rows whose {@code failAt}-th mini-batch runs {@code failure} (which throws). */
  private static FeatureRows failingAt(float[][] x, int failAt, Runnable failure) {
    FeatureRows rows = FeatureRows.of(x);
    return new FeatureRows() {
      private int calls;

      @Override
      public int size() {
        return rows.size();
      }

      @Override
      public int dim() {
        return rows.dim();
      }

      @Override
      public void gather(int[] idx, float[] out) {
        if (++calls == failAt) {
          failure.run();
        }
        rows.gather(idx, out);
      }
    };
  }

  @Test
  void aTrainedHeadHoldsOnlyItsParametersHoweverManyStepsItTook() {
    int[] y = new int[60];
    float[][] x = blobs(60, y, 4);
    int[] held = new int[2];
    int[] epochs = {1, 6};
    for (int i = 0; i < epochs.length; i++) {
      LinearHead.Settings s = new LinearHead.Settings(epochs[i], 16, 0.1, 1, 0.1, 5, 7);
      try (NDManager root = NDManager.newBaseManager()) {
        Managers managers = new Managers(root);
        try (LinearHead head = LinearHead.train(FeatureRows.of(x), y, 3, s, managers)) {
          // the training scope is closed; the head's own manager is the one left open
          assertThat(managers.open()).isEqualTo(1);
          held[i] = root.getManagedArrays().size();
          head.logits(x);
          head.logits(x);
          assertThat(root.getManagedArrays()).hasSize(held[i]);
        }
        assertThat(managers.open()).isZero();
        assertThat(root.getManagedArrays()).isEmpty();
      }
    }
    // 4 steps or 24: the same arrays (the 4 parameters, 2 running statistics and their divisor)
    assertThat(held[1]).isEqualTo(held[0]).isEqualTo(7);
  }

  @Test
  void aTrainingThatFailsMidEpochLeavesNothingOpen() {
    int[] y = new int[60];
    float[][] x = blobs(60, y, 5);
    LinearHead.Settings s = new LinearHead.Settings(3, 16, 0.1, 1, 0.1, 5, 7);
    // the 6th mini-batch: the second of the second epoch, with optimizer state and statistics
    IllegalStateException failure = new IllegalStateException("feature file truncated");
    try (NDManager root = NDManager.newBaseManager()) {
      Managers managers = new Managers(root);
      assertThatThrownBy(
              () -> LinearHead.train(failingAt(x, 6, () -> throwIt(failure)), y, 3, s, managers))
          .isSameAs(failure);
      assertThat(managers.handedOut).isNotEmpty();
      assertThat(managers.open()).isZero();
      assertThat(root.getManagedArrays()).isEmpty();
    }
  }

  @Test
  void anErrorMidEpochLeavesNothingOpenEither() {
    int[] y = new int[60];
    float[][] x = blobs(60, y, 6);
    LinearHead.Settings s = new LinearHead.Settings(2, 16, 0.1, 1, 0.1, 5, 7);
    // an Error (out of memory in the engine, say) is no reason to keep native memory either
    StackOverflowError error = new StackOverflowError("deep");
    FeatureRows failing = failingAt(x, 3, () -> throwIt(error));
    try (NDManager root = NDManager.newBaseManager()) {
      Managers managers = new Managers(root);
      assertThatThrownBy(() -> LinearHead.train(failing, y, 3, s, managers)).isSameAs(error);
      assertThat(managers.open()).isZero();
      assertThat(root.getManagedArrays()).isEmpty();
    }
  }

  private static void throwIt(RuntimeException e) {
    throw e;
  }

  private static void throwIt(Error e) {
    throw e;
  }
}
