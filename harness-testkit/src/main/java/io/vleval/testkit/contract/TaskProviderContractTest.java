package io.vleval.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.result.MetricValue;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskContext;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.core.run.ResultFiles;
import io.vleval.testkit.fake.FakeModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every task plugin promises: it runs end to end on a fake model, deterministically, from its
 * records alone.
 */
public abstract class TaskProviderContractTest<S extends Record> extends PluginContractTest<S> {

  @Override
  protected abstract TaskProvider<S> provider();

  /** A small evaluation dataset of the task's sample type. */
  protected abstract Dataset<? extends Sample> dataset();

  /** The training dataset, for tasks that need one. */
  protected Optional<Dataset<?>> trainingDataset() {
    return Optional.empty();
  }

  protected Model model() {
    return new FakeModel();
  }

  /**
   * Runs the task over {@link #dataset()} in batches of 3 and returns the records and the outcome.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected Run runOnce(long seed) {
    Task task = provider().create(exampleSpec());
    Dataset<? extends Sample> data = dataset();
    List<SampleRecord> records = new ArrayList<>();
    try (Model model = model();
        TaskSession session =
            task.start(
                model,
                new TaskContext(data.info(), trainingDataset(), seed, temp.resolve("cache"), 3));
        SampleCursor<? extends Sample> cursor = data.samples()) {
      List<Sample> batch = new ArrayList<>();
      while (cursor.hasNext()) {
        batch.add(cursor.next());
        if (batch.size() == 3 || !cursor.hasNext()) {
          List<SampleRecord> out = session.process(new ArrayList<>(batch));
          assertThat(out).hasSize(batch.size());
          for (int i = 0; i < out.size(); i++) {
            assertThat(out.get(i).sampleId()).isEqualTo(batch.get(i).id());
          }
          records.addAll(out);
          batch.clear();
        }
      }
      return new Run(records, session.finish(records));
    }
  }

  /** What one run of the task produced. */
  public record Run(List<SampleRecord> records, TaskOutcome outcome) {}

  @Test
  void runsEndToEndOnAFakeModel() {
    Run run = runOnce(11);
    assertThat(run.outcome().metrics()).isNotEmpty();
    for (MetricValue m : run.outcome().metrics()) {
      assertThat(m.name()).isNotBlank();
    }
    assertThat(run.records()).isNotEmpty();
  }

  @Test
  void sameSeedSameMetrics() {
    assertThat(runOnce(5).outcome()).isEqualTo(runOnce(5).outcome());
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void recordsRoundTripThroughJsonAndGiveTheSameScores() throws Exception {
    Run run = runOnce(3);
    Task task = provider().create(exampleSpec());
    ObjectMapper json = ResultFiles.lineMapper();
    List<SampleRecord> reread = new ArrayList<>();
    for (SampleRecord r : run.records()) {
      reread.add((SampleRecord) json.readValue(json.writeValueAsString(r), task.recordType()));
    }
    try (Model model = model();
        TaskSession session =
            task.start(
                model,
                new TaskContext(
                    dataset().info(), trainingDataset(), 3, temp.resolve("cache"), 3))) {
      assertThat(session.finish(reread)).isEqualTo(run.outcome());
    }
  }

  @Test
  void declaresTheCapabilitiesItNeedsAndTheSamplesItReads() {
    assertThat(provider().requiredCapabilities(exampleSpec())).isNotNull();
    Task<?, ?> task = provider().create(exampleSpec());
    assertThat(task.sampleType()).isEqualTo(provider().sampleType());
    assertThat(task.version()).isNotBlank();
  }
}
