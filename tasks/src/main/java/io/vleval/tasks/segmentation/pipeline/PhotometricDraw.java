package io.vleval.tasks.segmentation.pipeline;

import java.util.SplittableRandom;

/**
 * The values one application of the reference's {@code PhotoMetricDistortion} draws, each step
 * {@code null} when its coin came up "skip".
 *
 * @param brightness the added delta, from U[-32, 32)
 * @param contrastFirst whether contrast comes right after brightness (mmseg's {@code mode == 1})
 *     rather than last
 * @param contrast the contrast factor, from U[0.5, 1.5)
 * @param saturation the saturation factor, from U[0.5, 1.5)
 * @param hue the hue shift, an integer in [-18, 18)
 */
public record PhotometricDraw(
    Double brightness, boolean contrastFirst, Double contrast, Double saturation, Integer hue) {

  /** No step applies. */
  public static final PhotometricDraw NONE = new PhotometricDraw(null, false, null, null, null);

  /** Draws as the reference does: each step with probability 1/2, in the reference's order. */
  public static PhotometricDraw draw(SplittableRandom random) {
    Double brightness = random.nextBoolean() ? uniform(random, -32, 32) : null;
    boolean contrastFirst = random.nextBoolean();
    Double contrast = null;
    if (contrastFirst && random.nextBoolean()) {
      contrast = uniform(random, 0.5, 1.5);
    }
    Double saturation = random.nextBoolean() ? uniform(random, 0.5, 1.5) : null;
    Integer hue = random.nextBoolean() ? random.nextInt(-18, 18) : null;
    if (!contrastFirst && random.nextBoolean()) {
      contrast = uniform(random, 0.5, 1.5);
    }
    return new PhotometricDraw(brightness, contrastFirst, contrast, saturation, hue);
  }

  private static double uniform(SplittableRandom random, double lo, double hi) {
    return lo + (hi - lo) * random.nextDouble();
  }
}
