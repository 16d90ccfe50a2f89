package io.vleval.training;

import io.vleval.api.config.ConfigLocation;
import io.vleval.api.config.DatasetEntry;
import io.vleval.api.config.OnError;
import io.vleval.api.plugin.PluginContext;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.datasets.webdataset.WebDatasetProvider;
import io.vleval.training.data.Examples;
import io.vleval.training.data.ImagePixels;
import io.vleval.training.data.ImageText;
import io.vleval.training.data.StageData;
import io.vleval.training.data.TrainingDatasets;
import io.vleval.training.data.TrainingInputs;
import io.vleval.training.loop.SampleOrder;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.spec.DataSpec;
import io.vleval.training.spec.ModelInitSpec;
import io.vleval.training.spec.OptimizerSpec;
import io.vleval.training.spec.ScheduleSpec;
import io.vleval.training.spec.StageKind;
import io.vleval.training.spec.StageSpec;
import io.vleval.training.spec.TrainSettings;
import io.vleval.training.spec.TrainSpec;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;

/**
 * Run in a child JVM by {@link BoundedMemoryTrainingTest}: stage 1's data over WebDataset shards,
 * streamed ({@code shuffle_buffer}) or held ({@code held}); it draws a whole epoch through the
 * stage's examples (each pair once, the images left undecoded; a bit per pair, so the check holds
 * nothing per pair), then trains stage 1 for a few steps on it, and prints what it drew.
 */
public final class StreamingStageMain {
  private StreamingStageMain() {}

  /**
   * @param args {@code stream|held}, the shards' folder, the number of pairs, the output folder
   */
  public static void main(String[] args) {
    boolean held = args[0].equals("held");
    Path shards = Path.of(args[1]);
    int pairs = Integer.parseInt(args[2]);
    Path out = Path.of(args[3]);
    StageSpec stage =
        new StageSpec(
                "s1",
                StageKind.CONTRASTIVE,
                new ModelInitSpec("tiny-internvl", null, null, 0L, null, null),
                4,
                16,
                1,
                new OptimizerSpec(2e-3, null, null, null),
                new ScheduleSpec(1, 0.1),
                1.0,
                null,
                null)
            .withData(
                new DataSpec(List.of("pairs"), null, null, null, null, held ? null : 1000, null));
    TrainSpec spec =
        new TrainSpec(
            new TrainSettings("bounded", 0L, out, 1, null, null),
            List.of(stage),
            List.of(
                new DatasetEntry(
                    "pairs",
                    "webdataset",
                    OnError.FAIL,
                    new WebDatasetProvider.Spec(shards, null, null, null, null, null, null),
                    new ConfigLocation("test", 1, 1))));
    TrainingInputs inputs =
        new TrainingInputs(
            new TrainingDatasets(
                spec,
                PluginRegistry.discover(StreamingStageMain.class.getClassLoader()),
                new PluginContext(0, out.resolve("cache"), 1)),
            ImagePixels.defaultCapacity(),
            m -> {});
    BitSet seen = new BitSet(pairs);
    try (StageData data = inputs.stage(stage, Training.imageSize(), 0)) {
      Examples<ImageText> ex = data.images();
      SampleOrder order = ex.order(0);
      for (long k = 0; k < pairs; k++) {
        ImageText t = ex.get(order.at(k));
        int i = Integer.parseInt(t.id().substring(t.id().lastIndexOf('/') + 1));
        if (seen.get(i)) {
          throw new IllegalStateException("pair " + t.id() + " drawn twice in one epoch");
        }
        seen.set(i);
      }
      if (order.epochs(pairs) != 1) {
        throw new IllegalStateException("one epoch is " + pairs + " pairs");
      }
    }
    Training.StageOutcome o =
        new Training(spec, inputs, out, TrainingListener.NONE).run(false).get(0);
    System.out.println(
        "drew "
            + seen.cardinality()
            + " trained "
            + o.result().losses().size()
            + " max heap "
            + Runtime.getRuntime().maxMemory());
  }
}
