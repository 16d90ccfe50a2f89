package io.vleval.tasks.head;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.vleval.tasks.training.AdamW;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Heads train to the same values whatever the calling thread's PyTorch grad mode: on with PyTorch's
 * default in a thread the engine did not start on (a Spark task's, a pool's), off on the thread
 * that started DJL's engine. Their parameter updates must not depend on it.
 */
class AnyGradModeTest {

  /** Runs {@code work} on a new thread with grad mode {@code on}, after checking the premise. */
  private static <T> T onThread(boolean on, Supplier<T> work) throws InterruptedException {
    Engine.getInstance(); // started here, never by the thread under test
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                // PyTorch starts every thread with grad mode on
                assertThat(JniUtils.isGradMode()).isTrue();
                if (!on) {
                  JniUtils.setGradMode(false);
                }
                result.set(work.get());
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "grad-mode-" + on);
    t.start();
    t.join();
    if (failure.get() != null) {
      throw new AssertionError("with grad mode " + (on ? "on" : "off"), failure.get());
    }
    return result.get();
  }

  private static float[][] blobs(int n, int[] labels, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] x = new float[n][6];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 3;
      for (int d = 0; d < 6; d++) {
        x[i][d] = (float) (r.nextGaussian() + (d % 3 == labels[i] ? 2 : 0));
      }
    }
    return x;
  }

  private static float[][] linearHeadLogits() {
    int[] y = new int[48];
    float[][] x = blobs(48, y, 1);
    LinearHead.Settings s = new LinearHead.Settings(3, 16, 0.1, 1, 0.1, 5, 7);
    try (LinearHead head = LinearHead.train(x, y, 3, s)) {
      return head.logits(x);
    }
  }

  @Test
  void aLinearHeadTrainsTheSameWithGradModeOn() throws InterruptedException {
    float[][] off = onThread(false, AnyGradModeTest::linearHeadLogits);
    float[][] on = onThread(true, AnyGradModeTest::linearHeadLogits);
    assertThat(on).isDeepEqualTo(off);
  }

  private static Map<String, float[]> probeHeadState() {
    float[][] t = new float[8][3];
    for (int i = 0; i < 8; i++) {
      t[i][i % 3] = 1;
    }
    try (ProbeHead h = ProbeHead.create(8, 3, 2, 4)) {
      for (int s = 0; s < 4; s++) {
        // weight decay: an update computed from the parameters themselves
        h.step(ProbeHeadTest.random(8, 8 * 5, s), t, 0.1, new ProbeHead.StepSettings(0.9, 0.05, 5));
      }
      return h.state();
    }
  }

  @Test
  void aProbeHeadTrainsTheSameWithGradModeOn() throws InterruptedException {
    Map<String, float[]> off = onThread(false, AnyGradModeTest::probeHeadState);
    Map<String, float[]> on = onThread(true, AnyGradModeTest::probeHeadState);
    assertThat(on.keySet()).isEqualTo(off.keySet());
    for (String k : off.keySet()) {
      assertThat(on.get(k)).as(k).containsExactly(off.get(k));
    }
  }

  /** Three AdamW steps with weight decay on {@code w} minimizing {@code sum((w x)^2)}. */
  private static float[] adamWWeights() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.create(new float[] {0.5f, -1f, 2f, 0.25f}, new Shape(4));
      w.setRequiresGradient(true);
      NDArray x = m.create(new float[] {1f, 2f, -1f, 3f}, new Shape(4));
      AdamW adam = AdamW.withDefaults(m, List.of(new AdamW.Group(List.of(w), 0.05)));
      for (int step = 0; step < 3; step++) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          gc.backward(w.mul(x).square().sum());
        }
        adam.step(0.1);
        w.getGradient().muli(0f);
      }
      return w.toFloatArray();
    }
  }

  @Test
  void anAdamWStepIsTheSameWithGradModeOn() throws InterruptedException {
    float[] off = onThread(false, AnyGradModeTest::adamWWeights);
    float[] on = onThread(true, AnyGradModeTest::adamWWeights);
    assertThat(on).containsExactly(off);
  }
}
