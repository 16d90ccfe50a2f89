package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.model.Capability;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.Model;
import io.vleval.api.model.ModelInfo;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.api.result.TaskTiming;
import io.vleval.api.sample.ImageSource;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.spec.Doc;
import io.vleval.api.spec.EmptySpec;
import io.vleval.api.timing.Phase;
import io.vleval.api.timing.PhaseTimer;
import io.vleval.cli.testplugins.ColourAccuracyTaskProvider;
import io.vleval.core.config.ConfigLoader;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.core.run.RunListener;
import io.vleval.core.run.RunOptions;
import io.vleval.core.run.Runner;
import io.vleval.testkit.fake.FakeImages;
import io.vleval.testkit.fake.ListDataset;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every task result says where its wall time went: a run of a fake model whose images take 20 ms
 * each to decode, and whose calls preprocess for 5 ms and compute for 10 ms, records non-zero
 * decode, preprocess, model and metric times that add up to no more than the wall time, and samples
 * per wall second, in {@code results.json}, {@code results.csv} and the console table.
 */
class TaskTimingTest {

  @TempDir Path temp;

  private static final int IMAGES = 12;
  private static final int BATCH = 4;

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Images that take 20 ms each to decode. */
  public static final class SlowImages implements DatasetProvider<SlowImages.Spec> {
    /** Options. */
    public record Spec(@Doc("images") Integer count) {}

    @Override
    public String type() {
      return "slow-images";
    }

    @Override
    public String description() {
      return "test images that are slow to decode";
    }

    @Override
    public Class<Spec> specType() {
      return Spec.class;
    }

    @Override
    public Class<? extends Sample> sampleType(Spec spec) {
      return LabelledImage.class;
    }

    @Override
    public Dataset<LabelledImage> open(Spec spec, PluginContext context) {
      List<LabelledImage> samples = new ArrayList<>();
      for (int i = 0; i < spec.count(); i++) {
        RgbImage image = FakeImages.solid(i, 8);
        ImageSource source =
            new ImageSource() {
              @Override
              public RgbImage load() {
                sleep(20);
                return image;
              }

              @Override
              public String origin() {
                return "slow.png";
              }
            };
        samples.add(new LabelledImage(String.format("img-%02d", i), source, i % 3));
      }
      return new ListDataset<>(LabelledImage.class, samples, List.of("a", "b", "c"));
    }
  }

  /** A model whose calls preprocess for 5 ms and compute for 10 ms. */
  public static final class SlowModel implements ModelProvider<EmptySpec> {
    @Override
    public String type() {
      return "slow-model";
    }

    @Override
    public String description() {
      return "test model that takes its time";
    }

    @Override
    public Class<EmptySpec> specType() {
      return EmptySpec.class;
    }

    @Override
    public Set<Class<? extends Capability>> capabilities(EmptySpec spec) {
      return Set.of(ImageEmbedder.class);
    }

    @Override
    public Model load(EmptySpec spec, PluginContext context) {
      ImageEmbedder embedder =
          new ImageEmbedder() {
            @Override
            public int embeddingSize() {
              return 3;
            }

            @Override
            public float[][] embedImages(List<RgbImage> images, ImageView view) {
              PhaseTimer.time(
                  Phase.PREPROCESS,
                  () -> {
                    sleep(5);
                    return images.size();
                  });
              sleep(10);
              float[][] out = new float[images.size()][3];
              for (float[] row : out) {
                row[0] = 1;
              }
              return out;
            }
          };
      return new Model() {
        @Override
        public Set<Class<? extends Capability>> capabilities() {
          return Set.of(ImageEmbedder.class);
        }

        @Override
        public <C extends Capability> Optional<C> capability(Class<C> type) {
          return type == ImageEmbedder.class ? Optional.of(type.cast(embedder)) : Optional.empty();
        }

        @Override
        public ModelInfo info() {
          return new ModelInfo("none", "test", "cpu");
        }

        @Override
        public void close() {}
      };
    }
  }

  @Test
  void everyPhaseIsRecordedAndTheyFitInTheWallTime() throws IOException {
    PluginRegistry registry =
        PluginRegistry.of(
            List.of(new SlowImages(), new SlowModel(), new ColourAccuracyTaskProvider()));
    Path config = temp.resolve("timing.yaml");
    Files.writeString(
        config,
        """
        run: {name: timing, seed: 1, workers: 1, batch_size: %d}
        models: [{name: slow, type: slow-model}]
        datasets: [{name: images, type: slow-images, count: %d}]
        tasks: [{name: acc, type: test-accuracy, dataset: images}]
        """
            .formatted(BATCH, IMAGES));
    Path out = temp.resolve("run");
    RunResult result =
        new Runner(registry, RunListener.SILENT)
            .run(new ConfigLoader(registry).load(config), new RunOptions(out, false));

    TaskResult task = result.tasks().get(0);
    TaskTiming timing = task.timing();
    assertThat(timing).isNotNull();
    int batches = IMAGES / BATCH;
    // the pipeline's one worker decodes ahead, but 20 ms an image outpaces 15 ms a batch of 4: the
    // task waits for most of the decoding
    assertThat(timing.decodeSeconds()).isGreaterThan(0.1);
    assertThat(timing.preprocessSeconds()).isGreaterThanOrEqualTo(batches * 0.005);
    assertThat(timing.modelSeconds()).isGreaterThanOrEqualTo(batches * 0.010);
    assertThat(timing.metricSeconds()).isPositive();
    assertThat(timing.phaseSeconds()).isLessThanOrEqualTo(task.wallSeconds());
    assertThat(timing.samplesPerWallSecond())
        .isCloseTo(IMAGES / task.wallSeconds(), Offset.offset(1e-6 * IMAGES / task.wallSeconds()));

    String json = Files.readString(out.resolve("results.json"));
    assertThat(json).contains("\"timing\"", "\"modelSeconds\"", "\"samplesPerWallSecond\"");
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertThat(csv.get(0))
        .endsWith(
            "decode_seconds,preprocess_seconds,model_seconds,metric_seconds,samples_per_wall_second");
    assertThat(csv.get(1)).endsWith("," + timing.samplesPerWallSecond());

    StringWriter console = new StringWriter();
    ResultTable.print(result, new PrintWriter(console));
    assertThat(console.toString())
        .contains("decode s", "model %", "samples/s")
        .contains(
            String.format(Locale.ROOT, "%.1f", 100 * timing.modelSeconds() / task.wallSeconds()));
  }
}
