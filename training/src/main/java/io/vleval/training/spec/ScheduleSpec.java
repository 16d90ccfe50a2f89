package io.vleval.training.spec;

import io.vleval.api.spec.Doc;

/**
 * Linear warm-up from 0 to the peak learning rate over {@code warmup_steps}, then cosine decay to
 * {@code min_lr_ratio} times the peak at the last step ({@code transformers}' cosine schedule with
 * a floor).
 *
 * @param warmupSteps warm-up steps
 * @param minLrRatio the floor as a fraction of the peak
 */
public record ScheduleSpec(
    @Doc("linear warm-up steps (default 10)") Integer warmupSteps,
    @Doc("final learning rate as a fraction of the peak (default 0)") Double minLrRatio) {

  /** Defaults and checks. */
  public ScheduleSpec {
    warmupSteps = warmupSteps == null ? 10 : warmupSteps;
    minLrRatio = minLrRatio == null ? 0.0 : minLrRatio;
    if (warmupSteps < 0 || minLrRatio < 0 || minLrRatio > 1) {
      throw new IllegalArgumentException(
          "'warmup_steps' must be >= 0 and 'min_lr_ratio' in [0, 1], found "
              + warmupSteps
              + " and "
              + minLrRatio);
    }
  }

  /**
   * @return the defaults
   */
  public static ScheduleSpec defaults() {
    return new ScheduleSpec(null, null);
  }
}
