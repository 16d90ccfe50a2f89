package io.vleval.tasks.linearprobe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.VlevalException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskContext;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticDatasetProvider;
import io.vleval.testkit.fake.FakeModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second cached-features linear probe of the same model and data, with other head settings,
 * extracts no feature.
 */
class FeatureCacheReuseTest {

  @TempDir Path temp;

  private Dataset<? extends Sample> part(SyntheticDatasetProvider.Part p) {
    return new SyntheticDatasetProvider()
        .open(
            new SyntheticDatasetProvider.Spec(p, Scale.TINY, 5L, null, temp),
            new PluginContext(0, temp, 1));
  }

  @SuppressWarnings("unchecked")
  private TaskOutcome probe(FakeModel model, int epochs, Path cache) {
    Task<LabelledImage, ProbePrediction> task =
        new LinearProbeProvider()
            .create(
                new LinearProbeProvider.Spec(
                    LinearProbeProvider.Mode.CACHED_FEATURES,
                    ProbeFeature.EMBEDDING,
                    null,
                    null,
                    null,
                    null,
                    epochs,
                    16,
                    0.05,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    0));
    Dataset<LabelledImage> val =
        (Dataset<LabelledImage>) part(SyntheticDatasetProvider.Part.CLASSIFICATION_VAL);
    Dataset<?> train = part(SyntheticDatasetProvider.Part.CLASSIFICATION_TRAIN);
    List<ProbePrediction> records = new ArrayList<>();
    try (TaskSession<LabelledImage, ProbePrediction> s =
            task.start(model, new TaskContext(val.info(), Optional.of(train), 1, cache, 8));
        SampleCursor<LabelledImage> c = val.samples()) {
      List<LabelledImage> batch = new ArrayList<>();
      while (c.hasNext()) {
        batch.add(c.next());
        if (batch.size() == 8 || !c.hasNext()) {
          records.addAll(s.process(batch));
          batch.clear();
        }
      }
      return s.finish(records);
    }
  }

  @Test
  void otherHeadSettingsReuseTheCachedFeatures() throws Exception {
    Path cache = temp.resolve("cache");
    FakeModel first = new FakeModel();
    TaskOutcome a = probe(first, 3, cache);
    assertThat(first.imagesEmbedded()).isEqualTo(96 + 48);
    try (var files = Files.list(cache.resolve("features"))) {
      assertThat(files.filter(f -> f.toString().endsWith(".f32")).count()).isEqualTo(2);
    }
    FakeModel second = new FakeModel();
    TaskOutcome b = probe(second, 6, cache);
    assertThat(second.imagesEmbedded()).isZero();
    assertThat(b.metrics()).isNotEmpty();
    assertThat(a.headline()).isEqualTo("acc1");
    // the same settings on the cached features score exactly as the run that extracted them
    TaskOutcome c = probe(new FakeModel(), 3, cache);
    assertThat(c.metrics()).isEqualTo(a.metrics());
  }

  @Test
  void aDamagedCacheFileIsNamed() throws Exception {
    Path dir = Files.createDirectories(temp.resolve("features"));
    FeatureCache cache = new FeatureCache(dir);
    byte[] header = new byte[32];
    ByteBuffer.wrap(header)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(FeatureFile.MAGIC)
        .putInt(64)
        .putLong(8323072);
    Files.write(cache.file("k"), header);
    assertThatThrownBy(() -> cache.open("k"))
        .isInstanceOf(VlevalException.class)
        .hasMessage(
            cache.file("k")
                + ": damaged feature file: header claims 8323072 rows of 64 features (2163998720"
                + " bytes), more than the file's 32 bytes hold; delete it and the features are"
                + " extracted again");
  }
}
