package io.vleval.tasks.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.model.Capability;
import io.vleval.api.model.Model;
import io.vleval.api.model.ModelInfo;
import io.vleval.api.model.TextEmbedder;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskContext;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.datasets.synth.SyntheticDatasetProvider.Part;
import io.vleval.tasks.zeroshot.PromptTemplates;
import io.vleval.tasks.zeroshot.ZeroShotClassificationProvider;
import io.vleval.tasks.zeroshot.ZeroShotVideoProvider;
import io.vleval.testkit.SpecYaml;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zero-shot tasks build their text classifier once, with the first batch: a resumed run whose every
 * sample is recorded (the runner starts the session and only calls {@code finish}) never encodes
 * the class-name templates.
 */
class ZeroShotResumeTest {

  @TempDir Path temp;

  /** The pixel baseline, with its text embedder counting calls. */
  private static final class CountingModel implements Model {
    final Model inner = Suite.pixels();
    final AtomicInteger textCalls = new AtomicInteger();

    @Override
    public Set<Class<? extends Capability>> capabilities() {
      return inner.capabilities();
    }

    @Override
    public <C extends Capability> Optional<C> capability(Class<C> type) {
      if (type != TextEmbedder.class) {
        return inner.capability(type);
      }
      TextEmbedder texts = inner.require(TextEmbedder.class);
      TextEmbedder counting =
          new TextEmbedder() {
            @Override
            public int embeddingSize() {
              return texts.embeddingSize();
            }

            @Override
            public float[][] embedTexts(List<String> batch) {
              textCalls.incrementAndGet();
              return texts.embedTexts(batch);
            }
          };
      return Optional.of(type.cast(counting));
    }

    @Override
    public ModelInfo info() {
      return inner.info();
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  private record Run(List<SampleRecord> records, TaskOutcome outcome) {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Run run(
      TaskProvider provider, String yaml, Dataset<?> data, Model model, List<SampleRecord> done) {
    Task task = provider.create(new SpecYaml(temp).bind(provider.specType(), yaml));
    List<SampleRecord> records = new ArrayList<>(done == null ? List.of() : done);
    try (TaskSession session =
            task.start(
                model,
                new TaskContext(data.info(), Optional.empty(), 1, temp.resolve("cache"), 4));
        SampleCursor<? extends Sample> cursor = data.samples()) {
      if (done == null) {
        List<Sample> batch = new ArrayList<>();
        while (cursor.hasNext()) {
          batch.add(cursor.next());
          if (batch.size() == 4 || !cursor.hasNext()) {
            records.addAll(session.process(new ArrayList<>(batch)));
            batch.clear();
          }
        }
      }
      return new Run(records, session.finish(records));
    }
  }

  private void encodesOnceAndNotAtAllOnAFullResume(
      TaskProvider<?> provider, String yaml, Dataset<?> data) {
    CountingModel fresh = new CountingModel();
    Run first = run(provider, yaml, data, fresh, null);
    int classes = data.info().classNames().size();
    int texts = classes * PromptTemplates.load(null).size();
    assertThat(first.records()).hasSizeGreaterThan(8);
    // one encoding of the class-name templates (in text batches of 128), however many batches
    assertThat(fresh.textCalls.get()).isEqualTo((texts + 127) / 128);

    CountingModel resumed = new CountingModel();
    Run again = run(provider, yaml, data, resumed, first.records());
    assertThat(resumed.textCalls.get()).isZero();
    assertThat(again.outcome()).isEqualTo(first.outcome());
  }

  @Test
  void zeroShotClassification() {
    encodesOnceAndNotAtAllOnAFullResume(
        new ZeroShotClassificationProvider(),
        "resamples: 20\n",
        Suite.part(Part.CLASSIFICATION_VAL));
  }

  @Test
  void zeroShotVideo() {
    encodesOnceAndNotAtAllOnAFullResume(
        new ZeroShotVideoProvider(), "frames: 4\nresamples: 20\n", Suite.part(Part.VIDEO_VAL));
  }
}
