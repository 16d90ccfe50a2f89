package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.vleval.api.djl.BackboneCopy;
import io.vleval.api.djl.LayerDecay;
import io.vleval.api.djl.TrainableBackbone;
import io.vleval.api.model.BackboneShape;
import io.vleval.api.model.BlockFeatureExtractor;
import io.vleval.api.model.BlockFeatures;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.sample.SegmentationPair;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskContext;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticDatasetProvider;
import io.vleval.datasets.synth.SyntheticDatasetProvider.Part;
import io.vleval.model.internvl.provider.InternVlProvider;
import io.vleval.model.internvl.provider.InternVlSpec;
import io.vleval.tasks.segmentation.SegmentationProvider;
import io.vleval.tasks.segmentation.decode.BlockMaps;
import io.vleval.tasks.segmentation.decode.HeadTrainer;
import io.vleval.tasks.segmentation.decode.TrainableBlockMaps;
import io.vleval.tasks.segmentation.decode.UperNetDecodeHead;
import io.vleval.tasks.segmentation.pipeline.CvResize;
import io.vleval.tasks.segmentation.pipeline.TrainTransform;
import io.vleval.tasks.training.LayerDecayGroups;
import io.vleval.testkit.contract.TaskProviderContractTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Full tuning ({@code head: upernet, backbone: trainable}) passes the task contract with the
 * shipped tiny InternVL-C ({@code models/tiny-internvl-c}, 2 blocks of 64 channels, 14 px patches)
 * on the synthetic suite's ADE20K-layout scenes, at tiny budgets: the backbone fine-tuned under
 * UperNet lowers the loss and labels the validation scenes better than the best constant
 * prediction, and the loaded model the run shares gives the same block outputs before and after. It
 * lives here because only this module sees both the tasks and the InternVL model.
 */
class FullTuningContractTest extends TaskProviderContractTest<SegmentationProvider.Spec> {

  private static Path cache;

  private static synchronized Path cache() {
    if (cache == null) {
      try {
        cache = Files.createTempDirectory("vleval-full-tuning");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return cache;
  }

  private static Dataset<? extends Sample> part(Part part) {
    return new SyntheticDatasetProvider()
        .open(
            new SyntheticDatasetProvider.Spec(part, Scale.TINY, 0L, null, cache()),
            new PluginContext(0, cache(), 1));
  }

  @Override
  protected TaskProvider<SegmentationProvider.Spec> provider() {
    return new SegmentationProvider();
  }

  @Override
  protected String exampleSpecYaml() {
    return "head: upernet\nbackbone: trainable\nhead_channels: 8\ncrop_size: 56\niterations: 3\n"
        + "batch_size: 2\nlearning_rate: 0.001\nwarmup_iterations: 1\nresamples: 20\n";
  }

  @Override
  protected BadSpec badSpec() {
    return new BadSpec(
        "head: upernet\nbackbone: trainable\ndrop_path_rate: 1.5\n", "drop_path_rate");
  }

  @Override
  protected Dataset<? extends Sample> dataset() {
    return part(Part.SEGMENTATION_VAL);
  }

  @Override
  protected Optional<Dataset<?>> trainingDataset() {
    return Optional.of(part(Part.SEGMENTATION_TRAIN));
  }

  @Override
  protected Model model() {
    Path checkpoint = Path.of(System.getProperty("vleval.repoRoot"), "models", "tiny-internvl-c");
    return new InternVlProvider()
        .load(
            new InternVlSpec(checkpoint, null, "cpu", null, null, InternVlSpec.Head.C, null, null),
            new PluginContext(0, cache(), 1));
  }

  /**
   * Settings at which full tuning of the tiny model learns in a few seconds (at 150 iterations of 8
   * it stays within a few points of the constant prediction, as head tuning does there).
   */
  private static final String LEARNING =
      "head: upernet\nbackbone: trainable\nhead_channels: 16\ncrop_size: 56\niterations: 300\n"
          + "batch_size: 8\nlearning_rate: 0.001\nwarmup_iterations: 30\nresamples: 0\n";

  @Test
  void recordsTheReferenceProtocolAndNeedsOnlyTheTrainableBackbone() {
    SegmentationProvider.Spec spec = exampleSpec();
    assertThat(provider().create(spec).protocol()).isEqualTo("reference");
    assertThat(provider().requiredCapabilities(spec)).containsExactly(TrainableBackbone.class);
    try (Model model = model()) {
      BackboneShape shape = model.require(TrainableBackbone.class).shape();
      assertThat(provider().checkBackbone(spec, shape)).isEmpty();
    }
  }

  @Test
  void fineTuningLearnsAndLeavesTheLoadedModelAsItWas() {
    try (Model model = model()) {
      BlockFeatureExtractor blocks = model.require(BlockFeatureExtractor.class);
      RgbImage probe = firstImage(dataset());
      float[] before = blockOutputs(blocks, probe);
      TaskOutcome outcome = run(LEARNING, model, 1);
      assertThat(mIoU(outcome)).as("mIoU").isGreaterThan(constantMIoU(outcome) + 0.05);
      // the run's other tasks share the loaded model: training its copy must not change it
      assertThat(blockOutputs(blocks, probe)).as("loaded model's blocks").isEqualTo(before);
    }
  }

  /**
   * The few-shot rows fine-tune the backbone under the linear head by default; on the whole
   * training set (1/1) the tiny model learns at a small budget.
   */
  @Test
  void aFewShotRowFineTunesTheBackboneUnderTheLinearHead() {
    String yaml =
        "fraction: 1/1\ncrop_size: 56\niterations: 150\nbatch_size: 8\nlearning_rate: 0.001\n"
            + "warmup_iterations: 15\nresamples: 0\n";
    SegmentationProvider.Spec spec = specYaml().bind(SegmentationProvider.Spec.class, yaml);
    assertThat(spec.trainsBackbone()).isTrue();
    assertThat(provider().create(spec).protocol()).isEqualTo("reference");
    try (Model model = model()) {
      TaskOutcome outcome = run(yaml, model, 1);
      assertThat(mIoU(outcome)).as("mIoU").isGreaterThan(constantMIoU(outcome) + 0.05);
    }
  }

  /**
   * The training loss of the same wiring, driven directly (the copy's parameters in layer-decay
   * groups under the UperNet head with its auxiliary head on level 2, drop path on, the task's
   * pipeline and schedule), falls: the mean of the last 60 iterations against the first 60. (The
   * loss averages over every pixel, the ignored background included, as the reference's; on these
   * scenes most pixels are background, so it starts near 0.15.)
   */
  @Test
  void theTrainingLossFalls() {
    SegmentationProvider.Spec spec = specYaml().bind(SegmentationProvider.Spec.class, LEARNING);
    List<SegmentationPair> pairs = new ArrayList<>();
    try (SampleCursor<?> cursor = part(Part.SEGMENTATION_TRAIN).samples()) {
      while (cursor.hasNext()) {
        pairs.add((SegmentationPair) cursor.next());
      }
    }
    int classes = part(Part.SEGMENTATION_TRAIN).info().classNames().size();
    try (Model model = model()) {
      TrainableBackbone backbone = model.require(TrainableBackbone.class);
      int depth = backbone.shape().depth();
      try (BackboneCopy copy = backbone.copy(56);
          NDManager manager = copy.manager().newSubManager();
          UperNetDecodeHead head =
              new UperNetDecodeHead(
                  manager,
                  backbone.shape().channels(),
                  spec.headChannels(),
                  classes,
                  spec.headBlocks(depth),
                  spec.auxiliaryLevel(),
                  3)) {
        List<Double> losses =
            HeadTrainer.train(
                head,
                LayerDecayGroups.of(
                    copy.parameters(),
                    new LayerDecay(spec.layerDecayRate(), depth),
                    spec.weightDecay()),
                pairs,
                new TrainTransform(224, 56, 0.5, 2.0, 56, 0.75, 0.5, true),
                TrainableBlockMaps.training(
                    copy, backbone.pixelMean(), backbone.pixelStd(), spec.dropPathRate(), 5),
                classes,
                new HeadTrainer.Settings(
                    spec.iterations(),
                    spec.batchSize(),
                    spec.learningRate(),
                    spec.weightDecay(),
                    spec.warmupIterations(),
                    3),
                manager);
        double first = losses.subList(0, 60).stream().mapToDouble(d -> d).average().orElseThrow();
        double last =
            losses.subList(losses.size() - 60, losses.size()).stream()
                .mapToDouble(d -> d)
                .average()
                .orElseThrow();
        assertThat(last).as("mean loss of the last 60 iterations").isLessThan(0.92 * first);
      }
    }
  }

  /**
   * The copy in inference mode gives the loaded model's block maps: the same tokens, the same
   * layout, the same normalisation.
   */
  @Test
  void theCopyInInferenceModeGivesTheLoadedModelsBlockMaps() {
    List<RgbImage> crops = new ArrayList<>();
    try (SampleCursor<? extends Sample> cursor = dataset().samples()) {
      for (int i = 0; i < 3; i++) {
        RgbImage image = ((SegmentationPair) cursor.next()).image().load();
        crops.add(CvResize.linear(image, 56, 56));
      }
    }
    try (Model model = model()) {
      TrainableBackbone backbone = model.require(TrainableBackbone.class);
      BlockMaps frozen = BlockMaps.frozen(model.require(BlockFeatureExtractor.class));
      try (BackboneCopy copy = backbone.copy(56);
          NDManager scope = copy.manager().newSubManager()) {
        BlockMaps trainable =
            TrainableBlockMaps.inference(copy, backbone.pixelMean(), backbone.pixelStd());
        List<Integer> asked = List.of(1, 0, 1);
        List<NDArray> a = frozen.of(crops, 56, asked, scope);
        List<NDArray> b = trainable.of(crops, 56, asked, scope);
        for (int i = 0; i < asked.size(); i++) {
          assertThat(b.get(i).getShape()).isEqualTo(a.get(i).getShape());
          float[] x = a.get(i).toFloatArray();
          float[] y = b.get(i).toFloatArray();
          double max = 0;
          for (int k = 0; k < x.length; k++) {
            max = Math.max(max, Math.abs(x[k] - y[k]));
          }
          assertThat(max).as("block " + asked.get(i)).isLessThan(1e-4);
        }
      }
    }
  }

  /** Runs the task of the given spec on the model over the validation scenes, 4 a batch. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private TaskOutcome run(String yaml, Model model, long seed) {
    Task task = provider().create(specYaml().bind(SegmentationProvider.Spec.class, yaml));
    Dataset<? extends Sample> data = dataset();
    List<SampleRecord> records = new ArrayList<>();
    try (TaskSession session =
            task.start(
                model,
                new TaskContext(data.info(), trainingDataset(), seed, temp.resolve("cache"), 4));
        SampleCursor<? extends Sample> cursor = data.samples()) {
      List<Sample> batch = new ArrayList<>();
      while (cursor.hasNext()) {
        batch.add(cursor.next());
        if (batch.size() == 4 || !cursor.hasNext()) {
          records.addAll(session.process(new ArrayList<>(batch)));
          batch.clear();
        }
      }
      return session.finish(records);
    }
  }

  private static double mIoU(TaskOutcome outcome) {
    return outcome.metrics().stream()
        .filter(m -> m.name().equals("mIoU"))
        .findFirst()
        .orElseThrow()
        .value();
  }

  private static RgbImage firstImage(Dataset<? extends Sample> data) {
    try (SampleCursor<? extends Sample> cursor = data.samples()) {
      return ((SegmentationPair) cursor.next()).image().load();
    }
  }

  /** Both blocks' class and patch tokens of the image at 56 px. */
  private static float[] blockOutputs(BlockFeatureExtractor blocks, RgbImage image) {
    List<BlockFeatures> out =
        blocks.extract(List.of(image), ImageView.SQUASH, 56, List.of(0, 1)).get(0);
    float[] a = out.get(0).patches().values();
    float[] b = out.get(1).patches().values();
    float[] all = Arrays.copyOf(a, a.length + b.length + 2 * out.get(0).classToken().length);
    System.arraycopy(b, 0, all, a.length, b.length);
    System.arraycopy(
        out.get(0).classToken(), 0, all, a.length + b.length, out.get(0).classToken().length);
    System.arraycopy(
        out.get(1).classToken(),
        0,
        all,
        a.length + b.length + out.get(0).classToken().length,
        out.get(1).classToken().length);
    return all;
  }

  /**
   * The mIoU of predicting one class everywhere, the best such class: its IoU is its share of the
   * labelled pixels, every other class scores 0.
   */
  private static double constantMIoU(TaskOutcome outcome) {
    long total = 0;
    long best = 0;
    int present = 0;
    for (CategoryBreakdown c : outcome.categories()) {
      total += c.sampleCount();
      best = Math.max(best, c.sampleCount());
      present += c.sampleCount() > 0 ? 1 : 0;
    }
    return (double) best / total / present;
  }
}
