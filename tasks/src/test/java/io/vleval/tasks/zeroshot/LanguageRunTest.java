package io.vleval.tasks.zeroshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.model.Capability;
import io.vleval.api.model.Model;
import io.vleval.api.model.ModelInfo;
import io.vleval.api.model.TextEmbedder;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskContext;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticDatasetProvider;
import io.vleval.model.baseline.PixelBaselineProvider;
import io.vleval.testkit.SpecYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code language: cn} on the zero-shot task: the class-name texts the model embeds are the
 * language's templates filled with the language's class names, in label order, template by
 * template, and the task scores as with English names.
 */
class LanguageRunTest {

  @TempDir Path temp;

  /** The pixel baseline, recording every text it embeds. */
  private static final class RecordingModel implements Model {
    final Model inner;
    final List<String> texts = new ArrayList<>();

    RecordingModel(Path cache) {
      inner =
          new PixelBaselineProvider()
              .load(new PixelBaselineProvider.Spec(4), new PluginContext(0, cache, 1));
    }

    @Override
    public Set<Class<? extends Capability>> capabilities() {
      return inner.capabilities();
    }

    @Override
    public <C extends Capability> Optional<C> capability(Class<C> type) {
      if (type != TextEmbedder.class) {
        return inner.capability(type);
      }
      TextEmbedder plain = inner.require(TextEmbedder.class);
      return Optional.of(
          type.cast(
              new TextEmbedder() {
                @Override
                public int embeddingSize() {
                  return plain.embeddingSize();
                }

                @Override
                public float[][] embedTexts(List<String> batch) {
                  texts.addAll(batch);
                  return plain.embedTexts(batch);
                }
              }));
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

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void theModelEmbedsTheLanguagesTemplatesFilledWithItsClassNames() throws IOException {
    Path cache = temp.resolve("cache");
    SyntheticDatasetProvider.ensureSuite(cache, Scale.TINY, 3, 2);
    Dataset<? extends Sample> data =
        new SyntheticDatasetProvider()
            .open(
                new SyntheticDatasetProvider.Spec(
                    SyntheticDatasetProvider.Part.CLASSIFICATION_VAL, Scale.TINY, 3L, null, cache),
                new PluginContext(0, cache, 1));
    // the suite's 12 classes in label order, in Chinese, and two CLIP_benchmark-style templates
    List<String> names = new ArrayList<>();
    for (String english : data.info().classNames()) {
      names.add(
          english
              .replace("red ", "红色")
              .replace("green ", "绿色")
              .replace("blue ", "蓝色")
              .replace("yellow ", "黄色")
              .replace("circle", "圆形")
              .replace("square", "正方形")
              .replace("triangle", "三角形"));
    }
    Path files = Files.createDirectories(temp.resolve("languages"));
    StringBuilder json = new StringBuilder("{\"imagenet1k\": [");
    for (int i = 0; i < names.size(); i++) {
      json.append(i == 0 ? "\"" : ", \"").append(names.get(i)).append('"');
    }
    Files.writeString(files.resolve("cn_classnames.json"), json + "]}", StandardCharsets.UTF_8);
    Files.writeString(
        files.resolve("cn_zeroshot_classification_templates.json"),
        "{\"imagenet1k\": [\"{c}的照片。\", \"质量差的{c}的照片。\"]}",
        StandardCharsets.UTF_8);

    ZeroShotClassificationProvider provider = new ZeroShotClassificationProvider();
    Task task =
        provider.create(
            new SpecYaml(temp)
                .bind(
                    ZeroShotClassificationProvider.Spec.class,
                    "language: cn\nlanguage_files: " + files + "\nresamples: 0\n"));
    RecordingModel model = new RecordingModel(cache);
    List<SampleRecord> records = new ArrayList<>();
    TaskOutcome outcome;
    try (model;
        TaskSession session =
            task.start(
                model, new TaskContext(data.info(), Optional.empty(), 1, temp.resolve("c"), 8));
        SampleCursor<? extends Sample> cursor = data.samples()) {
      List<Sample> batch = new ArrayList<>();
      while (cursor.hasNext()) {
        batch.add(cursor.next());
        if (batch.size() == 8 || !cursor.hasNext()) {
          records.addAll(session.process(new ArrayList<>(batch)));
          batch.clear();
        }
      }
      outcome = session.finish(records);
    }
    List<String> expected = new ArrayList<>();
    for (String n : names) {
      expected.add(n + "的照片。");
      expected.add("质量差的" + n + "的照片。");
    }
    assertThat(model.texts).containsExactlyElementsOf(expected);
    assertThat(records)
        .hasSize(48)
        .allSatisfy(r -> assertThat(r).isInstanceOf(ClassPrediction.class));
    assertThat(outcome.categories()).extracting("category").containsExactlyElementsOf(names);
  }
}
