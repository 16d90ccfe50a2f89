package io.vleval.tasks.zeroshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.task.TaskOutcome;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The runner hands a task its records as a list read from disk on every {@code get}: the
 * classification outcome reads each record once, however many classes there are, and its per-class
 * breakdown is still right.
 */
class ClassificationOutcomeReadsTest {

  /** A list that counts its reads, as the runner's file-backed list decodes on every read. */
  static final class Counting extends AbstractList<ClassPrediction> {
    final List<ClassPrediction> records;
    int reads;

    Counting(List<ClassPrediction> records) {
      this.records = records;
    }

    @Override
    public ClassPrediction get(int index) {
      reads++;
      return records.get(index);
    }

    @Override
    public int size() {
      return records.size();
    }
  }

  @Test
  void eachRecordIsReadOnceAndTheBreakdownCountsEachClass() {
    int classes = 40;
    SplittableRandom r = new SplittableRandom(4);
    List<ClassPrediction> records = new ArrayList<>();
    long[] support = new long[classes];
    long[] hits = new long[classes];
    for (int i = 0; i < 300; i++) {
      float[] logits = new float[classes];
      for (int c = 0; c < classes; c++) {
        logits[c] = (float) r.nextGaussian();
      }
      int label = r.nextInt(classes);
      ClassPrediction p = ClassPrediction.of("s" + i, label, logits);
      records.add(p);
      support[label]++;
      hits[label] += p.correct() ? 1 : 0;
    }
    List<String> names = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      names.add("class " + c);
    }
    Counting counting = new Counting(records);
    TaskOutcome outcome =
        ClassificationOutcome.of(counting, names, ScoreOptions.NO_INTERVALS, false);
    assertThat(counting.reads).isEqualTo(records.size());
    int seen = 0;
    for (CategoryBreakdown b : outcome.categories()) {
      int c = names.indexOf(b.category());
      assertThat(b.sampleCount()).isEqualTo(support[c]);
      assertThat(b.metrics().get(0).value()).isEqualTo((double) hits[c] / support[c]);
      seen++;
    }
    long present = Arrays.stream(support).filter(s -> s > 0).count();
    assertThat(seen).isEqualTo(present);
  }
}
