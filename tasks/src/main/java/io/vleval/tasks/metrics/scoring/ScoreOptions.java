package io.vleval.tasks.metrics.scoring;

import io.vleval.tasks.metrics.bootstrap.Bootstrap;
import java.util.Optional;

/**
 * How {@code vleval score} computes confidence intervals.
 *
 * @param resamples bootstrap resamples; 0 computes no intervals
 * @param seed bootstrap seed
 * @param level interval coverage, e.g. 0.95
 */
public record ScoreOptions(int resamples, long seed, double level) {

  /** 1000 resamples, seed 0, 95%. */
  public static final ScoreOptions DEFAULT =
      new ScoreOptions(Bootstrap.DEFAULT_RESAMPLES, 0L, Bootstrap.DEFAULT_LEVEL);

  /** Point estimates only. */
  public static final ScoreOptions NO_INTERVALS = new ScoreOptions(0, 0L, Bootstrap.DEFAULT_LEVEL);

  public ScoreOptions {
    if (resamples < 0) {
      throw new IllegalArgumentException("resamples must be >= 0, got " + resamples);
    }
  }

  /** The bootstrap to use, or empty when no intervals are wanted. */
  public Optional<Bootstrap> bootstrap() {
    return resamples == 0 ? Optional.empty() : Optional.of(new Bootstrap(resamples, seed, level));
  }
}
