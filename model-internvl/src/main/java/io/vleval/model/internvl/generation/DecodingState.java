package io.vleval.model.internvl.generation;

/**
 * One prompt or a batch of prompts being continued, row by row (one row per beam of every prompt
 * still running). {@link Generator} calls {@link #start()} once, then {@link #advance} once per
 * generated token; logits come back as plain arrays so that the decoding loop holds no native
 * memory.
 */
public interface DecodingState extends AutoCloseable {

  /**
   * Runs the prompts.
   *
   * @return next-token logits of each prompt, {@code [prompts][vocab]}
   */
  float[][] start();

  /**
   * Appends one token per row; row {@code i} continues row {@code parents[i]} of the previous step
   * (rows may be duplicated or dropped, as beam search and prompts that stop need).
   *
   * @param tokens the new token of each row
   * @param parents the previous row each new row continues
   * @return next-token logits {@code [rows][vocab]}
   */
  float[][] advance(long[] tokens, int[] parents);

  /** Releases the state's native memory. */
  @Override
  void close();
}
