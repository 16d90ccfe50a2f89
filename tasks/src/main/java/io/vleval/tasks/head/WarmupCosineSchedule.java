package io.vleval.tasks.head;

/**
 * The learning rate of each optimizer step under the reference linear probe's schedule: timm's
 * {@code CosineLRScheduler} stepped per update ({@code t_in_epochs=False}, one cycle, no warm-up
 * prefix), as InternVL's {@code classification/lr_scheduler.py} builds it and {@code main.py}
 * drives it.
 *
 * <p>With {@code T} total steps ({@code int(epochs x steps_per_epoch)}), {@code W} warm-up steps
 * ({@code int(warmup_epochs x steps_per_epoch)}), peak {@code base}, warm-up start {@code init} and
 * floor {@code min}, timm's value for update {@code t} is
 *
 * <pre>
 *   t &lt; W:  init + t (base - init) / W
 *   t &ge; W:  min + (base - min) (1 + cos(pi t / T)) / 2      (t is not shifted by W)
 * </pre>
 *
 * The training loop sets the rate after each step ({@code step_update(epoch x steps + idx)} after
 * {@code optimizer.step()}), and the scheduler's constructor sets {@code init} before the first
 * (with a warm-up; {@code base} without). So step {@code k} (0-based) runs at {@code init} for
 * {@code k = 0} and at timm's value for update {@code k - 1} after: the first two steps of the
 * reference both run at 0, as its log shows.
 *
 * @param base the peak rate (the reference: 0.1 x batch / 512)
 * @param warmupInit the rate warm-up starts from (the reference: 0)
 * @param min the floor of the cosine (the reference: 0)
 * @param warmupSteps {@code W}
 * @param totalSteps {@code T}, warm-up included
 */
public record WarmupCosineSchedule(
    double base, double warmupInit, double min, long warmupSteps, long totalSteps) {

  public WarmupCosineSchedule {
    if (totalSteps < 1 || warmupSteps < 0) {
      throw new IllegalArgumentException(
          "total steps must be positive and warm-up steps not negative, got "
              + totalSteps
              + " and "
              + warmupSteps);
    }
  }

  /**
   * The reference's schedule for a run of {@code epochs} epochs of {@code stepsPerEpoch} steps:
   * warm-up from 0 for {@code warmupEpochs}, cosine to 0.
   */
  public static WarmupCosineSchedule of(
      double base, double epochs, double warmupEpochs, long stepsPerEpoch) {
    // int(...) in Python truncates toward zero
    long total = (long) (epochs * stepsPerEpoch);
    long warmup = (long) (warmupEpochs * stepsPerEpoch);
    return new WarmupCosineSchedule(base, 0, 0, warmup, total);
  }

  /** timm's {@code _get_lr(t)}. */
  public double timmValue(long t) {
    if (t < warmupSteps) {
      return warmupInit + t * ((base - warmupInit) / warmupSteps);
    }
    long cycle = t / totalSteps;
    if (cycle >= 1) {
      return min;
    }
    return min + 0.5 * (base - min) * (1 + Math.cos(Math.PI * t / totalSteps));
  }

  /** The rate optimizer step {@code k} (0-based, counted over the whole run) runs at. */
  public double rateAtStep(long k) {
    if (k == 0) {
      return warmupSteps > 0 ? warmupInit : base;
    }
    return timmValue(k - 1);
  }
}
