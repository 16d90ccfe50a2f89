package io.vleval.tasks.captioning;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus and per-image caption scores in coco-caption's naming.
 *
 * @param imageIds image ids in input order
 * @param bleu BLEU-1..4, corpus and per image
 * @param rougeL per-image ROUGE-L
 * @param cider per-image CIDEr-D
 */
public record CaptionScores(
    List<String> imageIds, BleuScores bleu, double[] rougeL, double[] cider) {

  /** Metric names in coco-caption's order. */
  public static final List<String> METRICS =
      List.of("Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr");

  /** Corpus values: Bleu_1..4 (corpus BLEU), ROUGE_L and CIDEr (means of per-image values). */
  public Map<String, Double> corpus() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int k = 0; k < Bleu.MAX_N; k++) {
      out.put(METRICS.get(k), bleu.corpus()[k]);
    }
    out.put("ROUGE_L", mean(rougeL));
    out.put("CIDEr", CiderD.corpus(cider));
    return out;
  }

  /** Per-image values of image {@code i}, keyed like {@link #corpus()}. */
  public Map<String, Double> perImage(int i) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int k = 0; k < Bleu.MAX_N; k++) {
      out.put(METRICS.get(k), bleu.perImage()[i][k]);
    }
    out.put("ROUGE_L", rougeL[i]);
    out.put("CIDEr", cider[i]);
    return out;
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }
}
