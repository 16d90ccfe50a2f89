package io.vleval.tasks.zeroshot;

import io.vleval.api.task.SampleRecord;
import io.vleval.tasks.embedding.Vectors;
import java.util.Arrays;
import java.util.List;

/**
 * What zero-shot (and linear-probe) classification keeps per sample: the target, the target's rank
 * among the logits (ties to the lower class index), the argmax and the top-5 classes. {@code
 * correct} is top-1 correctness, for reports.
 */
public record ClassPrediction(
    String sampleId, int label, int rank, int predicted, List<Integer> top5, boolean correct)
    implements SampleRecord {

  public static ClassPrediction of(String sampleId, int label, float[] logits) {
    int rank = ZeroShotClassification.targetRank(logits, label);
    int predicted = Vectors.argmax(logits);
    Integer[] order = new Integer[logits.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    // stable sort by descending logit: ties keep the lower class index first
    Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
    return new ClassPrediction(
        sampleId,
        label,
        rank,
        predicted,
        List.of(order).subList(0, Math.min(5, order.length)),
        predicted == label);
  }
}
