package io.vleval.tasks.vqa;

import java.util.List;
import java.util.Locale;

/**
 * GQA's accuracy for one question, as its {@code eval.py} computes it: 1 when the prediction equals
 * the gold answer exactly ({@code predicted == gold}), else 0. {@link #LLAVA} first applies the
 * conversion of LLaVA's and InternVL's {@code convert_gqa_for_eval.py} ({@code
 * text.rstrip('.').lower()}), which produced the InternVL paper's GQA numbers; {@link #EXACT}
 * compares the prediction as it is.
 */
public enum GqaMatch {
  LLAVA("llava"),
  EXACT("exact");

  private final String id;

  GqaMatch(String id) {
    this.id = id;
  }

  /** The variant's name in configs and results. */
  public String id() {
    return id;
  }

  /** The prediction as the scorer compares it. */
  public String convert(String prediction) {
    if (this == EXACT) {
      return prediction;
    }
    int end = prediction.length();
    while (end > 0 && prediction.charAt(end - 1) == '.') {
      end--;
    }
    return prediction.substring(0, end).toLowerCase(Locale.ROOT);
  }

  /** 1 or 0. */
  public double score(String prediction, String gold) {
    return convert(prediction).equals(gold) ? 1.0 : 0.0;
  }

  /**
   * The groups GQA's report breaks accuracy down by: {@code binary} or {@code open} (open when the
   * structural type is {@code query}), {@code structural/<type>} and {@code semantic/<type>}.
   */
  public static List<String> groups(String structural, String semantic) {
    return List.of(
        "query".equals(structural) ? "open" : "binary",
        "structural/" + structural,
        "semantic/" + semantic);
  }
}
