package io.vleval.tasks.linearprobe;

import io.vleval.api.task.SampleRecord;
import io.vleval.tasks.zeroshot.ClassPrediction;
import java.util.List;

/**
 * What the linear probe keeps per sample, in the evaluated dataset's class indices: the label, its
 * rank among the logits (ties to the lower class index), the argmax and the top-5 classes, and for
 * a multi-label dataset (ImageNet-ReaL) the accepted labels, against which {@code correct} is then
 * judged.
 *
 * @param accepted the labels that count as correct (ReaL); empty when only {@code label} does
 * @param correct top-1 correctness: the argmax is the label, or one of the accepted labels
 */
public record ProbePrediction(
    String sampleId,
    int label,
    int rank,
    int predicted,
    List<Integer> top5,
    List<Integer> accepted,
    boolean correct)
    implements SampleRecord {

  public ProbePrediction {
    top5 = List.copyOf(top5);
    accepted = accepted == null ? List.of() : List.copyOf(accepted);
  }

  static ProbePrediction of(String sampleId, int label, List<Integer> accepted, float[] logits) {
    ClassPrediction p = ClassPrediction.of(sampleId, label, logits);
    boolean correct = accepted.isEmpty() ? p.correct() : accepted.contains(p.predicted());
    return new ProbePrediction(
        sampleId, label, p.rank(), p.predicted(), p.top5(), accepted, correct);
  }

  /** Whether one of the top {@code k} classes is correct (ReaL: any accepted label among them). */
  boolean hitAt(int k) {
    if (accepted.isEmpty()) {
      return rank < k;
    }
    for (int i = 0; i < Math.min(k, top5.size()); i++) {
      if (accepted.contains(top5.get(i))) {
        return true;
      }
    }
    return false;
  }

  ClassPrediction asClassPrediction() {
    return new ClassPrediction(sampleId, label, rank, predicted, top5, correct);
  }
}
