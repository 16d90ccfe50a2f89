package io.vleval.tasks.mmbench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One prediction row of an MMBench-style evaluation.
 *
 * @param index the row's index; circular copies are {@code base + k * 1,000,000}
 * @param choices option letter to option text, in letter order, missing options left out
 * @param prediction the model's answer text as VLMEvalKit sees it after loading (an empty cell is
 *     {@code "nan"})
 * @param category fine category, or {@code null} when the data has no such column
 * @param l2Category coarse (level-2) category, or {@code null} when the data has no such column
 * @param split dataset split; {@code "none"} when the data has no split column (as VLMEvalKit's
 *     report does)
 */
public record McqItem(
    long index,
    Map<String, String> choices,
    String prediction,
    String category,
    String l2Category,
    String split) {

  public McqItem {
    choices = Collections.unmodifiableMap(new LinkedHashMap<>(choices));
    Objects.requireNonNull(prediction, "prediction");
    Objects.requireNonNull(split, "split");
  }

  /** The circular group this row belongs to: {@code index mod 1,000,000}. */
  public long groupIndex() {
    return index % 1_000_000L;
  }
}
