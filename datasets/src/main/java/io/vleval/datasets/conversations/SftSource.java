package io.vleval.datasets.conversations;

import java.nio.file.Path;

/**
 * One annotation file of a fine-tuning mixture, as an entry of InternVL's meta file names it.
 *
 * @param name the entry's name in the meta file (the annotation file's name outside one); sample
 *     ids start with it
 * @param root the folder image paths are relative to
 * @param annotation the LLaVA-format JSON or JSONL file
 * @param repeatTime how often the file is read: below 1, only the first {@code floor(n *
 *     repeatTime)} of its {@code n} entries, as InternVL's {@code LazySupervisedDataset} takes
 *     them; above 1, a whole number of passes
 * @param dataAugment whether the training recipe augments this source's images ({@code null}: not
 *     said)
 * @param maxDynamicPatch the most tiles an image of this source is cut into ({@code null}: the
 *     recipe's default)
 */
public record SftSource(
    String name,
    Path root,
    Path annotation,
    double repeatTime,
    Boolean dataAugment,
    Integer maxDynamicPatch) {

  /** How many of {@code entries} one pass reads. */
  long taken(long entries) {
    return repeatTime < 1 ? (long) Math.floor(entries * repeatTime) : entries;
  }

  /** How many passes are read. */
  int passes() {
    return repeatTime > 1 ? (int) repeatTime : 1;
  }
}
