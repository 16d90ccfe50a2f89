package io.vleval.model.internvl.generation;

/**
 * A prompt being continued, row by row (one row per beam). {@link Generator} calls {@link #start()}
 * once, then {@link #advance} once per generated token; logits come back as plain arrays so that
 * the decoding loop holds no native memory.
 */
public interface DecodingState extends AutoCloseable {

  /**
   * Runs the prompt.
   *
   * @return next-token logits of the single prompt row, {@code [1][vocab]}
   */
  float[][] start();

  /**
   * Appends one token per row; row {@code i} continues row {@code parents[i]} of the previous step
   * (rows may be duplicated or dropped, as beam search needs).
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
