package io.vleval.datasets.pipeline;

import io.vleval.api.model.Capability;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.result.MetricValue;
import io.vleval.api.result.RunResult;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.spec.EmptySpec;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskContext;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.core.config.ConfigLoader;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.core.run.RunListener;
import io.vleval.core.run.RunOptions;
import io.vleval.core.run.Runner;
import io.vleval.datasets.imagefolder.ImageFolderProvider;
import io.vleval.testkit.fake.FakeModelProvider;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Run in a JVM of its own with a small heap: streams an image folder through the real runner and
 * decode pipeline into a model, and prints the number of samples scored and the peak heap.
 */
public final class StreamCheck {

  /** Counts images; its score is the number of samples seen. */
  public static final class CountTask implements TaskProvider<EmptySpec> {
    /** The record per image. */
    public record Seen(String sampleId, int width) implements SampleRecord {}

    @Override
    public String type() {
      return "count-images";
    }

    @Override
    public String description() {
      return "counts images";
    }

    @Override
    public Class<EmptySpec> specType() {
      return EmptySpec.class;
    }

    @Override
    public Class<? extends Sample> sampleType() {
      return LabelledImage.class;
    }

    @Override
    public Set<Class<? extends Capability>> requiredCapabilities(EmptySpec spec) {
      return Set.of(ImageEmbedder.class);
    }

    @Override
    public Task<LabelledImage, Seen> create(EmptySpec spec) {
      return new Task<>() {
        @Override
        public String version() {
          return "1";
        }

        @Override
        public Class<LabelledImage> sampleType() {
          return LabelledImage.class;
        }

        @Override
        public Class<Seen> recordType() {
          return Seen.class;
        }

        @Override
        public TaskSession<LabelledImage, Seen> start(Model model, TaskContext context) {
          ImageEmbedder embedder = model.require(ImageEmbedder.class);
          return new TaskSession<>() {
            @Override
            public List<Seen> process(List<LabelledImage> batch) {
              List<Seen> out = new ArrayList<>();
              var images = batch.stream().map(s -> s.image().load()).toList();
              embedder.embedImages(images, ImageView.SQUASH);
              for (int i = 0; i < batch.size(); i++) {
                out.add(new Seen(batch.get(i).id(), images.get(i).width()));
              }
              return out;
            }

            @Override
            public TaskOutcome finish(List<Seen> records) {
              return new TaskOutcome(
                  "count",
                  List.of(MetricValue.higherIsBetter("count", records.size(), "")),
                  List.of());
            }

            @Override
            public void close() {}
          };
        }
      };
    }
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    Path config = root.resolveSibling("stream.yaml");
    Files.writeString(
        config,
        """
        run: {workers: 2, batch_size: 64}
        models: [{name: pixels, type: fake}]
        datasets: [{name: many, type: imagefolder, root: %s}]
        tasks: [{name: count, type: count-images, dataset: many}]
        """
            .formatted(root));
    PluginRegistry registry =
        PluginRegistry.of(
            List.of(new FakeModelProvider(), new ImageFolderProvider(), new CountTask()));
    RunResult result =
        new Runner(registry, RunListener.SILENT)
            .run(
                new ConfigLoader(registry).load(config),
                new RunOptions(root.resolveSibling("run"), false));
    long peak = 0;
    for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.println(
        "scored "
            + (long) result.tasks().get(0).metric("count").value()
            + " peak-heap-mb "
            + peak / (1 << 20)
            + " max-heap-mb "
            + Runtime.getRuntime().maxMemory() / (1 << 20));
  }
}
