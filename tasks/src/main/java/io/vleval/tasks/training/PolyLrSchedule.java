package io.vleval.tasks.training;

/**
 * mmcv's {@code PolyLrUpdaterHook} with {@code by_epoch=False} and linear warm-up, as InternVL's
 * segmentation configs set it ({@code power=1.0, min_lr=0.0, warmup_iters=1500,
 * warmup_ratio=1e-6}): at iteration {@code i} of {@code max}, the regular rate is {@code (base -
 * min) * (1 - i / max)^power + min}; during warm-up ({@code i < warmup}) it is multiplied by {@code
 * 1 - (1 - i / warmup) * (1 - ratio)}. Both are computed per iteration, so warm-up ramps towards an
 * already decaying rate.
 *
 * @param base the base learning rate
 * @param maxIterations the iterations of the whole run
 * @param power the poly exponent
 * @param minLr the rate the decay ends at
 * @param warmupIterations iterations of linear warm-up (0 for none)
 * @param warmupRatio the fraction of the rate at iteration 0 of the warm-up
 */
public record PolyLrSchedule(
    double base,
    long maxIterations,
    double power,
    double minLr,
    long warmupIterations,
    double warmupRatio)
    implements LrSchedule {

  public PolyLrSchedule {
    if (maxIterations < 1) {
      throw new IllegalArgumentException("max iterations must be positive, got " + maxIterations);
    }
    if (warmupIterations < 0 || warmupRatio <= 0 || warmupRatio > 1) {
      throw new IllegalArgumentException(
          "warm-up needs iterations >= 0 and a ratio in (0, 1], got "
              + warmupIterations
              + " and "
              + warmupRatio);
    }
  }

  @Override
  public double at(long iteration) {
    double coeff = Math.pow(1 - (double) iteration / maxIterations, power);
    double regular = (base - minLr) * coeff + minLr;
    if (iteration >= warmupIterations) {
      return regular;
    }
    double k = (1 - (double) iteration / warmupIterations) * (1 - warmupRatio);
    return regular * (1 - k);
  }
}
