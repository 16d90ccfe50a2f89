package io.vleval.model.internvl.text;

import java.util.Arrays;
import java.util.List;

/**
 * The InternVL-C/-G text convention (INTERNVL.md §2.4): the literal prefix {@code "summarize:"},
 * then {@code [BOS] tokens [EOS]} truncated to {@code max_length} (80) with the EOS kept,
 * right-padded with 0.
 */
public final class ClipText {

  /** The prefix every contrastive text gets. */
  public static final String PREFIX = "summarize:";

  /** The reference's maximum length, special tokens included. */
  public static final int MAX_LENGTH = 80;

  private ClipText() {}

  /**
   * Tokenizes texts for the text encoder.
   *
   * @param tokenizer the checkpoint's tokenizer
   * @param texts the texts (without the prefix)
   * @param bos the BOS id
   * @param eos the EOS id
   * @return right-padded ids {@code [B][L]}, L the longest row, pad 0
   */
  public static long[][] encode(TextTokenizer tokenizer, List<String> texts, long bos, long eos) {
    long[][] rows = new long[texts.size()][];
    int longest = 1;
    for (int i = 0; i < rows.length; i++) {
      long[] body = tokenizer.encode(PREFIX + texts.get(i), false);
      int keep = Math.min(body.length, MAX_LENGTH - 2);
      long[] row = new long[keep + 2];
      row[0] = bos;
      System.arraycopy(body, 0, row, 1, keep);
      row[keep + 1] = eos;
      rows[i] = row;
      longest = Math.max(longest, row.length);
    }
    for (int i = 0; i < rows.length; i++) {
      rows[i] = Arrays.copyOf(rows[i], longest);
    }
    return rows;
  }
}
