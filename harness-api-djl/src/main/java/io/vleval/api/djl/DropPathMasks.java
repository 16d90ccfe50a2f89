package io.vleval.api.djl;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Where the per-sample decisions of stochastic depth come from: for one residual branch of one
 * block, which samples of the batch keep the branch. A training pass asks once per branch of every
 * block whose drop probability is above zero, blocks in order, the attention branch before the MLP
 * branch, and only for the blocks it runs (up to the last block requested).
 *
 * <p>{@link #seeded(RandomGenerator)} draws them from a generator the caller seeds (per run and
 * step, so a run is reproducible on every device); a test can instead give the decisions a
 * reference run drew.
 */
@FunctionalInterface
public interface DropPathMasks {

  /** The two residual branches of a pre-norm transformer block. */
  enum Branch {
    /** {@code x + drop_path(ls1 * attn(norm1(x)))}. */
    ATTENTION,
    /** {@code x + drop_path(ls2 * mlp(norm2(x)))}. */
    MLP
  }

  /** Keeps every branch of every sample. */
  DropPathMasks KEEP_ALL =
      (block, branch, samples, keepProbability) -> {
        boolean[] keep = new boolean[samples];
        Arrays.fill(keep, true);
        return keep;
      };

  /**
   * Decides which samples keep a branch.
   *
   * @param block the 0-based block
   * @param branch the residual branch
   * @param samples the batch size
   * @param keepProbability the probability that a sample keeps the branch, {@code 1 - p} for the
   *     block's drop probability {@code p}
   * @return per sample, whether it keeps the branch
   */
  boolean[] keep(int block, Branch branch, int samples, double keepProbability);

  /**
   * Bernoulli draws from a seeded generator: a sample keeps a branch when the next {@code
   * nextDouble()} is below the keep probability, samples in batch order.
   *
   * @param random the generator (e.g. a {@code SplittableRandom} seeded from the run's seed and the
   *     step); it is advanced by every call
   * @return the masks
   */
  static DropPathMasks seeded(RandomGenerator random) {
    return (block, branch, samples, keepProbability) -> {
      boolean[] keep = new boolean[samples];
      for (int i = 0; i < samples; i++) {
        keep[i] = random.nextDouble() < keepProbability;
      }
      return keep;
    };
  }
}
