package io.vleval.api.timing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Spans report exclusive times to the timer installed on their thread, and to nothing else. */
class PhaseTimerTest {

  private static int work(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return 1;
  }

  @Test
  void nestedSpansAreExclusive() {
    PhaseTimer timer = new PhaseTimer();
    long t0 = System.nanoTime();
    try (PhaseTimer.Scope scope = timer.install()) {
      assertThat(scope.timer()).isSameAs(timer);
      PhaseTimer.time(
          Phase.MODEL, () -> PhaseTimer.time(Phase.PREPROCESS, () -> work(30)) + work(5));
    }
    long wall = System.nanoTime() - t0;
    assertThat(timer.seconds(Phase.PREPROCESS)).isGreaterThanOrEqualTo(0.030);
    // the model's own time is its 5 ms, not the 35 ms of the whole call
    assertThat(timer.seconds(Phase.MODEL)).isGreaterThanOrEqualTo(0.005).isLessThan(0.030);
    assertThat(timer.nanos(Phase.MODEL) + timer.nanos(Phase.PREPROCESS)).isLessThanOrEqualTo(wall);
    assertThat(timer.nanos(Phase.DECODE)).isZero();
  }

  @Test
  void otherThreadsAndUninstalledTimersRecordNothing() throws InterruptedException {
    PhaseTimer timer = new PhaseTimer();
    PhaseTimer.time(Phase.DECODE, () -> work(2));
    try (PhaseTimer.Scope scope = timer.install()) {
      assertThat(scope.timer()).isSameAs(timer);
      Thread other = new Thread(() -> PhaseTimer.time(Phase.DECODE, () -> work(10)));
      other.start();
      other.join();
    }
    PhaseTimer.time(Phase.DECODE, () -> work(2));
    assertThat(timer.nanos(Phase.DECODE)).isZero();
  }

  @Test
  void closingAScopeRestoresTheTimerBefore() {
    PhaseTimer outer = new PhaseTimer();
    PhaseTimer inner = new PhaseTimer();
    try (PhaseTimer.Scope a = outer.install()) {
      assertThat(a.timer()).isSameAs(outer);
      try (PhaseTimer.Scope b = inner.install()) {
        assertThat(b.timer()).isSameAs(inner);
        PhaseTimer.time(Phase.METRIC, () -> work(3));
      }
      PhaseTimer.time(Phase.DECODE, () -> work(3));
    }
    assertThat(inner.nanos(Phase.METRIC)).isPositive();
    assertThat(inner.nanos(Phase.DECODE)).isZero();
    assertThat(outer.nanos(Phase.DECODE)).isPositive();
    assertThat(outer.nanos(Phase.METRIC)).isZero();
  }
}
