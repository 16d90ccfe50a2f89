package io.vleval.training.optim;

/**
 * Learning rate at a step: linear warm-up {@code peak * (step + 1) / warmup} for the first {@code
 * warmup} steps, then {@code floor + (peak - floor) * (1 + cos(pi * p)) / 2} with {@code p = (step
 * - warmup) / max(1, total - warmup - 1)} running from 0 to 1 at the last step.
 *
 * @param peak the peak learning rate
 * @param warmup warm-up steps
 * @param total total steps
 * @param floorRatio the final rate as a fraction of the peak
 */
public record CosineSchedule(double peak, int warmup, int total, double floorRatio) {

  /**
   * @param step the 0-based optimizer step
   * @return the learning rate
   */
  public double at(int step) {
    if (step < warmup) {
      return peak * (step + 1) / warmup;
    }
    double p = Math.min(1.0, (double) (step - warmup) / Math.max(1, total - warmup - 1));
    double floor = peak * floorRatio;
    return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * p));
  }
}
