package io.vleval.tasks.segmentation.decode;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A segmentation head on backbone block features: {@code [B, C, h, w]} maps of the blocks it reads
 * in, per-class logits out at its own resolution (mmseg's {@code decode_head}, plus auxiliary heads
 * that only add to the training loss).
 *
 * <p>The head does not know where its inputs come from: a frozen backbone's features (plain
 * arrays), or a trainable backbone's outputs inside the same autograd graph, whose parameters then
 * join the optimiser next to {@link #params()}.
 */
public interface DecodeHead extends AutoCloseable {

  /** The 0-based backbone blocks the head reads, in the order {@link #forward} takes them. */
  List<Integer> blocks();

  /** The head's parameters and buffers under the reference's names. */
  Params params();

  /**
   * Logits of the decode head and, in training, of the auxiliary heads with their loss weights.
   *
   * @param blocks one {@code [B, C, h, w]} map per entry of {@link #blocks()}
   * @param training batch statistics, running-statistics updates and dropout, as in {@code train()}
   *     mode; otherwise {@code eval()} mode
   * @param dropout the generator of dropout masks in training
   */
  Outputs forward(List<NDArray> blocks, boolean training, SplittableRandom dropout);

  /** A head's logits and the auxiliary logits with their loss weights (none outside training). */
  record Outputs(NDArray logits, List<Auxiliary> auxiliary) {}

  /** Auxiliary logits and the weight of their loss. */
  record Auxiliary(NDArray logits, double weight) {}

  @Override
  default void close() {
    params().close();
  }
}
