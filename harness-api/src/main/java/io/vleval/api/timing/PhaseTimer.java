package io.vleval.api.timing;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/**
 * Per-task totals of time spent in each {@link Phase}, and the hook that code reports to.
 *
 * <p>The harness installs one timer per task on the thread that runs the task ({@link #install});
 * datasets, models and tasks time their work ({@code PhaseTimer.time(Phase.DECODE, () ->
 * decode(file))}, or a {@link Span} from {@link #start} closed in try-with-resources), which costs
 * two clock reads when a timer is installed and nothing otherwise. Spans nest and are exclusive: a
 * span's time does not include the spans it encloses (a model call that preprocesses its images
 * counts the preprocessing as {@link Phase#PREPROCESS}, the rest as {@link Phase#MODEL}), so the
 * phases of a task never add up to more than its wall time.
 *
 * <p>Only the installing thread's spans count. Work on other threads (decoding ahead of the model
 * in the pipeline's workers, model replicas on other devices) is seen from the task's thread: the
 * time it waits for decoded samples, the time a call into the model takes. So the figures say where
 * the task's wall time goes, which is what shows the harness's overhead.
 */
public final class PhaseTimer {

  private static volatile PhaseTimer installed;
  private static final ThreadLocal<Span> OPEN = new ThreadLocal<>();

  private final AtomicLongArray nanos = new AtomicLongArray(Phase.values().length);
  private volatile Thread owner;

  /** A timer with every phase at zero. */
  public PhaseTimer() {}

  /**
   * Makes this the timer that spans on the calling thread report to, until the returned scope is
   * closed (which restores the timer installed before, if any).
   *
   * @return the scope to close
   */
  public Scope install() {
    Scope scope = new Scope(this, installed);
    owner = Thread.currentThread();
    installed = this;
    return scope;
  }

  /**
   * Opens a span of {@code phase} on the calling thread; close it (try-with-resources) when the
   * work ends.
   *
   * @param phase what the work is
   * @return the span; a no-op span when no timer is installed for this thread
   */
  public static Span start(Phase phase) {
    PhaseTimer timer = installed;
    if (timer == null || timer.owner != Thread.currentThread()) {
      return Span.NONE;
    }
    Span span = new Span(timer, phase, OPEN.get());
    OPEN.set(span);
    return span;
  }

  /**
   * Runs {@code work} in a span of {@code phase} on the calling thread.
   *
   * @return what {@code work} returns
   */
  public static <T> T time(Phase phase, Supplier<T> work) {
    try (Span span = start(phase)) {
      return span.run(work);
    }
  }

  /** Adds {@code nanos} to a phase: for work timed by other means. */
  public void add(Phase phase, long nanos) {
    if (nanos > 0) {
      this.nanos.addAndGet(phase.ordinal(), nanos);
    }
  }

  /**
   * @return the time recorded for {@code phase}, in nanoseconds
   */
  public long nanos(Phase phase) {
    return nanos.get(phase.ordinal());
  }

  /**
   * @return the time recorded for {@code phase}, in seconds
   */
  public double seconds(Phase phase) {
    return nanos(phase) / 1e9;
  }

  /**
   * @return every phase's seconds
   */
  public Map<Phase, Double> seconds() {
    Map<Phase, Double> out = new EnumMap<>(Phase.class);
    for (Phase p : Phase.values()) {
      out.put(p, seconds(p));
    }
    return out;
  }

  /** An installed timer's lifetime: closing it restores the timer installed before. */
  public static final class Scope implements AutoCloseable {
    private final PhaseTimer timer;
    private final PhaseTimer previous;

    private Scope(PhaseTimer timer, PhaseTimer previous) {
      this.timer = timer;
      this.previous = previous;
    }

    /**
     * @return the installed timer
     */
    public PhaseTimer timer() {
      return timer;
    }

    @Override
    public void close() {
      installed = previous;
      timer.owner = null;
    }
  }

  /** Work of one phase, open until closed; spans close in the reverse order they opened. */
  public static final class Span implements AutoCloseable {
    static final Span NONE = new Span(null, null, null);

    private final PhaseTimer timer;
    private final Phase phase;
    private final Span parent;
    private final long start;
    private long enclosed;

    private Span(PhaseTimer timer, Phase phase, Span parent) {
      this.timer = timer;
      this.phase = phase;
      this.parent = parent;
      this.start = timer == null ? 0 : System.nanoTime();
    }

    private <T> T run(Supplier<T> work) {
      return work.get();
    }

    @Override
    public void close() {
      if (timer == null) {
        return;
      }
      long elapsed = System.nanoTime() - start;
      timer.add(phase, elapsed - enclosed);
      if (parent != null) {
        parent.enclosed += elapsed;
        OPEN.set(parent);
      } else {
        OPEN.remove();
      }
    }
  }
}
