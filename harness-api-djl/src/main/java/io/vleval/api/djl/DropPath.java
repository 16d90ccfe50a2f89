package io.vleval.api.djl;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Stochastic depth for a training pass, as InternVL's segmentation backbone trains with it (timm's
 * {@code DropPath} on both residual branches of every block, after the layer scale): block {@code
 * i} of {@code n} drops a branch with probability {@link #blockRate(int, int)}, which rises
 * linearly from 0 at the first block to {@link #rate()} at the last ({@code torch.linspace(0, rate,
 * n)}). Per sample the branch's output is multiplied by 0 (dropped) or by {@code 1 / (1 - p)}
 * (kept), so that its expectation is unchanged. A block whose probability is 0 has no drop path at
 * all (the reference builds {@code nn.Identity} there) and draws no mask; an inference pass ignores
 * drop path.
 *
 * @param rate the probability at the last block, {@code drop_path_rate} (the paper's full tuning of
 *     InternViT-6B: 0.4), in {@code [0, 1]}
 * @param masks where the per-sample decisions come from
 */
public record DropPath(double rate, DropPathMasks masks) {

  /** No stochastic depth. */
  public static final DropPath NONE = new DropPath(0, DropPathMasks.KEEP_ALL);

  /**
   * Checks the rate.
   *
   * @throws IllegalArgumentException for a rate outside {@code [0, 1]}
   * @throws NullPointerException for null masks
   */
  public DropPath {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("drop path rate " + rate + " is outside [0, 1]");
    }
    Objects.requireNonNull(masks, "masks");
  }

  /**
   * Stochastic depth with masks drawn from a {@link SplittableRandom} of the given seed ({@link
   * DropPathMasks#seeded}); give each step its own seed, derived from the run's.
   *
   * @param rate the probability at the last block
   * @param seed the seed of this pass's draws
   * @return the drop path
   */
  public static DropPath seeded(double rate, long seed) {
    return new DropPath(rate, DropPathMasks.seeded(new SplittableRandom(seed)));
  }

  /**
   * The drop probability of one block, in float32 as {@code torch.linspace(0, rate, depth)}
   * computes it: {@code step = rate / (depth - 1)} in float32, then {@code block * step} for the
   * first half of the blocks and {@code rate - (depth - 1 - block) * step} for the rest, each
   * rounded once to float32. (PyTorch's vectorized CPU kernel rounds some blocks one float32 step
   * differently, depending on the CPU it runs on.)
   *
   * @param block the 0-based block
   * @param depth the number of blocks
   * @return the probability that the block drops a branch of a sample
   */
  public float blockRate(int block, int depth) {
    if (block < 0 || block >= depth) {
      throw new IllegalArgumentException("block " + block + " is outside 0.." + (depth - 1));
    }
    float end = (float) rate;
    if (depth == 1) {
      return 0f;
    }
    float step = end / (depth - 1);
    return block < depth / 2
        ? step * block
        : (float) (end - (double) step * (depth - block - 1)); // exact in double, rounded once
  }
}
