package io.vleval.tasks.captioning;

import io.vleval.tasks.metrics.text.PythonText;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ROUGE-L as coco-caption's {@code rouge.py} computes it.
 *
 * <p>Tokens come from {@code split(" ")} (a double space yields an empty token; an empty caption is
 * one empty token). For hypothesis h and references r<sub>j</sub>: P = max<sub>j</sub> LCS(h,
 * r<sub>j</sub>)/|h|, R = max<sub>j</sub> LCS(h, r<sub>j</sub>)/|r<sub>j</sub>| (maximised
 * separately), and
 *
 * <pre>  ROUGE-L = (1 + &beta;&sup2;) P R / (R + &beta;&sup2; P),  &beta; = 1.2,  0 if P or R is 0.
 * </pre>
 *
 * The corpus score is the mean of per-image scores. Reproduces {@code
 * fixtures/metrics/captioning.json}.
 */
public final class RougeL {

  private static final double BETA = 1.2;

  private RougeL() {}

  /** Per-image ROUGE-L of already tokenized captions. */
  public static double[] perImage(List<CaptionSample> tokenized) {
    return tokenized.parallelStream()
        .mapToDouble(s -> score(s.prediction(), s.references()))
        .toArray();
  }

  /** ROUGE-L of one hypothesis against its references. */
  public static double score(String hypothesis, List<String> references) {
    Map<String, Integer> vocabulary = new HashMap<>();
    int[] h = ids(PythonText.splitSpace(hypothesis), vocabulary);
    double precision = 0;
    double recall = 0;
    for (String reference : references) {
      int[] r = ids(PythonText.splitSpace(reference), vocabulary);
      int lcs = lcs(r, h);
      precision = Math.max(precision, lcs / (double) h.length);
      recall = Math.max(recall, lcs / (double) r.length);
    }
    if (precision != 0 && recall != 0) {
      double beta2 = BETA * BETA;
      return ((1 + beta2) * precision * recall) / (recall + beta2 * precision);
    }
    return 0.0;
  }

  private static int[] ids(List<String> tokens, Map<String, Integer> vocabulary) {
    int[] out = new int[tokens.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = vocabulary.computeIfAbsent(tokens.get(i), t -> vocabulary.size());
    }
    return out;
  }

  /** Length of the longest common subsequence, O(|a||b|) time, O(min) memory. */
  static int lcs(int[] a, int[] b) {
    if (a.length < b.length) {
      int[] t = a;
      a = b;
      b = t;
    }
    int[] previous = new int[b.length + 1];
    int[] current = new int[b.length + 1];
    for (int i = 1; i <= a.length; i++) {
      for (int j = 1; j <= b.length; j++) {
        current[j] =
            a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length];
  }
}
