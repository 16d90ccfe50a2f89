package io.vleval.training.stage;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vleval.model.internvl.clip.InternVlCg;
import io.vleval.model.internvl.nd.Scalars;
import io.vleval.training.loop.Shard;
import java.util.List;

/** Builds the arrays of a micro-batch from plain values. */
final class Batches {

  private Batches() {}

  /** Stacks preprocessed images {@code 3 x S x S} into {@code [B, 3, S, S]}. */
  static NDArray pixels(List<float[]> images, int size, NDManager batch) {
    int n = 3 * size * size;
    float[] flat = new float[images.size() * n];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(images.get(i), 0, flat, i * n, n);
    }
    return batch.create(flat, new Shape(images.size(), 3, size, size));
  }

  /**
   * Row-wise log-softmax cross-entropy against soft targets {@code t} (rows sum to 1): {@code
   * -mean_i sum_j t_ij log p_ij}.
   */
  static NDArray softCrossEntropy(NDArray logits, NDArray targets) {
    return logits.logSoftmax(1).mul(targets).sum(new int[] {1}).neg().mean();
  }

  /** Targets {@code pos / rowsum(pos)} where {@code pos[i][j] = key_i == key_j}. */
  static NDArray multiPositiveTargets(List<String> keys, NDManager batch) {
    int b = keys.size();
    float[] t = new float[b * b];
    for (int i = 0; i < b; i++) {
      int n = 0;
      for (int j = 0; j < b; j++) {
        n += keys.get(i).equals(keys.get(j)) ? 1 : 0;
      }
      for (int j = 0; j < b; j++) {
        t[i * b + j] = keys.get(i).equals(keys.get(j)) ? 1f / n : 0f;
      }
    }
    return batch.create(t, new Shape(b, b));
  }

  /**
   * A next-token cross-entropy, summed: {@code sum} is {@code -Σ log p(target)} over the {@code
   * count} labelled positions.
   *
   * @param sum the negated sum of the targets' log-probabilities (a scalar)
   * @param count the number of targets
   */
  record TokenLoss(NDArray sum, int count) {

    /**
     * @return the mean over the targets ({@code sum / max(1, count)})
     */
    NDArray mean() {
      return Scalars.div(sum, Math.max(1, count));
    }
  }

  /**
   * Next-token cross-entropy of right-padded rows: position {@code t} of row {@code i} predicts
   * {@code ids[i][t + 1]} when that id is not padding (0) and {@code t + 1 >= firstLabel} (the
   * reference's labels {@code -100} for pads and the first {@code firstLabel} positions, shifted by
   * one).
   *
   * @param logProbs log-probabilities {@code [B, L, vocab]} at the rows' positions
   * @param ids the rows {@code [B][L]}
   * @param firstLabel the first index of a row whose token is a target
   * @param vocab the vocabulary size
   * @param batch owns the arrays made here
   * @return the summed loss and the number of targets
   */
  static TokenLoss nextTokenLoss(
      NDArray logProbs, long[][] ids, int firstLabel, int vocab, NDManager batch) {
    int b = ids.length;
    int l = ids[0].length;
    long[] next = new long[b * l];
    float[] weight = new float[b * l];
    int labelled = 0;
    for (int i = 0; i < b; i++) {
      for (int t = 0; t + 1 < l; t++) {
        long target = ids[i][t + 1];
        if (target != 0 && t + 1 >= firstLabel) {
          next[i * l + t] = target;
          weight[i * l + t] = 1;
          labelled++;
        }
      }
    }
    NDArray picked =
        logProbs.mul(batch.create(next, new Shape(b, l)).oneHot(vocab)).sum(new int[] {-1});
    return new TokenLoss(picked.mul(batch.create(weight, new Shape(b, l))).sum().neg(), labelled);
  }

  /**
   * The number of targets {@link #nextTokenLoss} counts in one row.
   *
   * @param row the ids (padding, 0, is never a target)
   * @param firstLabel the first index of a row whose token is a target
   * @return the count
   */
  static int targets(long[] row, int firstLabel) {
    int n = 0;
    for (int t = 0; t + 1 < row.length; t++) {
      n += row[t + 1] != 0 && t + 1 >= firstLabel ? 1 : 0;
    }
    return n;
  }

  /**
   * {@code exp(logit_scale)} for a shard's InfoNCE loss. Every shard computes the whole loss, so
   * the temperature is live in shard 0's only (detached elsewhere) and its gradient is counted
   * once.
   *
   * @param cg the model
   * @param shard the shard
   * @param batch owns the result
   * @return the scale
   */
  static NDArray temperature(InternVlCg cg, Shard shard, NDManager batch) {
    NDArray logitScale = cg.headWeights().get("logit_scale");
    if (shard.index() == 0) {
      return own(logitScale.exp(), batch);
    }
    return own(own(logitScale.stopGradient(), batch).exp(), batch);
  }

  /** Moves an array that an operation on a weight produced into the batch's manager. */
  static NDArray own(NDArray a, NDManager batch) {
    a.attach(batch);
    return a;
  }
}
