package io.vleval.tasks.linearprobe;

import io.vleval.api.error.VlevalException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How an evaluation dataset's classes sit among the head's (the training set's), matched by class
 * name: the same list, or a subset (ImageNet-A and -R: 200 of the 1000 classes, their folders named
 * by WordNet id as the training set's are). The head's logits are restricted to the subset's
 * classes, in the evaluation set's order, as the reference restricts them ({@code output[:,
 * imagenet_a_mask]}), so predictions and labels are both in the evaluation set's indices.
 *
 * @param columns for each evaluation class, its column among the head's logits; {@code null} when
 *     the classes are the head's own
 */
record ClassMapping(int[] columns) {

  static ClassMapping of(
      List<String> evaluation, List<String> head, String evalName, String trainName) {
    if (evaluation.equals(head)) {
      return new ClassMapping(null);
    }
    Map<String, Integer> index = new HashMap<>();
    for (int c = 0; c < head.size(); c++) {
      index.merge(head.get(c), c, (a, b) -> -1);
    }
    int[] columns = new int[evaluation.size()];
    for (int j = 0; j < columns.length; j++) {
      Integer c = index.get(evaluation.get(j));
      if (c == null) {
        throw new VlevalException(
            evalName
                + ": class '"
                + evaluation.get(j)
                + "' (label "
                + j
                + ") is not among the "
                + head.size()
                + " classes of the training set ("
                + trainName
                + "); an evaluation set's classes are matched to the head's by name, so both must"
                + " name their classes alike (ImageNet and its variants: by WordNet id, the class"
                + " folders' names, with no class_names)");
      }
      if (c < 0) {
        throw new VlevalException(
            evalName
                + ": class '"
                + evaluation.get(j)
                + "' names more than one class of the training set ("
                + trainName
                + "); classes are matched by name, which must be unique (use the WordNet ids, the"
                + " class folders' names, rather than display names)");
      }
      columns[j] = c;
    }
    return new ClassMapping(columns);
  }

  /** The logits of the evaluation set's classes, in its order. */
  float[] restrict(float[] logits) {
    if (columns == null) {
      return logits;
    }
    float[] out = new float[columns.length];
    for (int j = 0; j < columns.length; j++) {
      out[j] = logits[columns[j]];
    }
    return out;
  }
}
