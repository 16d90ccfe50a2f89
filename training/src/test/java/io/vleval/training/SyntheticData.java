package io.vleval.training;

import io.vleval.api.config.ConfigLocation;
import io.vleval.api.config.DatasetEntry;
import io.vleval.api.config.OnError;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticDatasetProvider;
import io.vleval.datasets.synth.SyntheticDatasetProvider.Part;
import io.vleval.training.data.ImagePixels;
import io.vleval.training.data.StageData;
import io.vleval.training.data.TrainingData;
import io.vleval.training.data.TrainingDatasets;
import io.vleval.training.data.TrainingInputs;
import io.vleval.training.spec.DataSpec;
import io.vleval.training.spec.ModelInitSpec;
import io.vleval.training.spec.StageKind;
import io.vleval.training.spec.StageSpec;
import io.vleval.training.spec.TrainSettings;
import io.vleval.training.spec.TrainSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The synthetic suite (generated once into target/) as training data, shared by the training tests:
 * its parts as named datasets ({@code shapes-train}, {@code captions-en}, {@code captions-zh},
 * {@code questions-train}), each stage kind's usual data over them, and the held-out parts
 * (classification-val, captions-test, mmbench) for the in-process metrics.
 */
public final class SyntheticData {

  static final Path CACHE = Path.of("target", "train-test-cache").toAbsolutePath();

  private static final Map<String, TrainingData> HELD_OUT = new HashMap<>();

  private SyntheticData() {}

  /**
   * @param scale the suite's scale
   * @return the suite's training parts as dataset entries
   */
  public static List<DatasetEntry> datasets(Scale scale) {
    return List.of(
        entry("shapes-train", Part.CLASSIFICATION_TRAIN, scale, null),
        entry("captions-en", Part.CAPTIONS_TRAIN, scale, null),
        entry("captions-zh", Part.CAPTIONS_TRAIN, scale, "zh"),
        entry("questions-train", Part.MMBENCH_TRAIN, scale, null));
  }

  private static DatasetEntry entry(String name, Part part, Scale scale, String language) {
    return new DatasetEntry(
        name,
        "synthetic",
        OnError.FAIL,
        new SyntheticDatasetProvider.Spec(part, scale, 0L, language, CACHE),
        new ConfigLocation("test", 1, 1));
  }

  /**
   * @param kind a stage kind
   * @return the data the shipped recipe gives a stage of that kind (English captions only)
   */
  public static DataSpec dataFor(StageKind kind) {
    return switch (kind) {
      case CONTRASTIVE ->
          new DataSpec(
              List.of("captions-en"), null, List.of("shapes-train"), null, null, null, null);
      case LM_HEAD_WARMUP, GENERATIVE, LM_WARMUP -> DataSpec.captions("captions-en");
      case SFT ->
          new DataSpec(
              List.of("captions-en"), null, null, null, List.of("questions-train"), null, true);
    };
  }

  /**
   * A recipe over the tiny suite: every stage without data gets {@link #dataFor its kind's}.
   *
   * @param settings run settings
   * @param stages the stages
   * @return the recipe
   */
  public static TrainSpec spec(TrainSettings settings, List<StageSpec> stages) {
    return spec(settings, stages, Scale.TINY);
  }

  /**
   * @param settings run settings
   * @param stages the stages
   * @param scale the suite's scale
   * @return the recipe, every stage without data given its kind's
   */
  public static TrainSpec spec(TrainSettings settings, List<StageSpec> stages, Scale scale) {
    List<StageSpec> withData = new ArrayList<>();
    for (StageSpec s : stages) {
      withData.add(s.data() != null ? s : s.withData(dataFor(s.kind())));
    }
    return new TrainSpec(settings, withData, datasets(scale));
  }

  /**
   * @param spec a recipe over the suite
   * @return what its stages read
   */
  public static TrainingInputs inputs(TrainSpec spec) {
    return new TrainingInputs(
        new TrainingDatasets(
            spec,
            PluginRegistry.discover(SyntheticData.class.getClassLoader()),
            new PluginContext(0, CACHE, 2)),
        ImagePixels.defaultCapacity(),
        m -> {});
  }

  /**
   * A stage's data on the tiny suite, for tests of an objective on its own.
   *
   * @param kind the stage kind
   * @param imageSize the side images are decoded at
   * @return the data
   */
  public static StageData stage(StageKind kind, int imageSize) {
    return stage(kind, dataFor(kind), imageSize);
  }

  /**
   * @param kind the stage kind
   * @param data its data
   * @param imageSize the side images are decoded at
   * @return the data
   */
  public static StageData stage(StageKind kind, DataSpec data, int imageSize) {
    StageSpec s =
        new StageSpec(
                "s",
                kind,
                new ModelInitSpec("tiny-internvl", null, null, 0L, null, null),
                1,
                8,
                1,
                null,
                null,
                null,
                null,
                null,
                null,
                kind == StageKind.SFT ? "text" : null,
                null)
            .withData(data);
    return stage(s, imageSize);
  }

  /**
   * @param s a stage with its data
   * @param imageSize the side images are decoded at
   * @return its data on the tiny suite
   */
  public static StageData stage(StageSpec s, int imageSize) {
    TrainSpec spec = spec(new TrainSettings("t", 0L, CACHE, 0, null, null), List.of(s));
    return inputs(spec).stage(s, imageSize, 0);
  }

  /**
   * @return the tiny suite's held-out parts at the tiny models' side
   */
  static TrainingData tiny() {
    return heldOut(Scale.TINY, Training.imageSize());
  }

  /**
   * @param scale the suite's scale
   * @param imageSize the side images are preprocessed to
   * @return its held-out parts (classification-val, captions-test, mmbench)
   */
  public static synchronized TrainingData heldOut(Scale scale, int imageSize) {
    return HELD_OUT.computeIfAbsent(
        scale + "@" + imageSize,
        k -> {
          PluginContext ctx = new PluginContext(0, CACHE, 2);
          Dataset<?> val = open(Part.CLASSIFICATION_VAL, scale, null, ctx);
          return TrainingData.of(
              val.info().classNames(),
              all(val, LabelledImage.class),
              all(open(Part.CAPTIONS_TEST, scale, null, ctx), CaptionedImage.class),
              all(open(Part.MMBENCH, scale, null, ctx), MultipleChoiceQuestion.class),
              imageSize);
        });
  }

  /**
   * @param part a labelled part of the tiny suite (classification-train or -val)
   * @param imageSize the side images are preprocessed to
   * @return its images, preprocessed, with their labels
   */
  public static List<TrainingData.Labelled> labelled(Part part, int imageSize) {
    return TrainingData.of(
            List.of(), samples(part, LabelledImage.class, null), List.of(), List.of(), imageSize)
        .classVal();
  }

  /**
   * @param part a part of the tiny suite
   * @param type its sample type
   * @param language its captions' language (en or zh), or null
   * @param <T> the sample type
   * @return its samples
   */
  public static <T extends Sample> List<T> samples(Part part, Class<T> type, String language) {
    return all(open(part, Scale.TINY, language, new PluginContext(0, CACHE, 2)), type);
  }

  private static Dataset<?> open(Part part, Scale scale, String language, PluginContext ctx) {
    return new SyntheticDatasetProvider()
        .open(new SyntheticDatasetProvider.Spec(part, scale, 0L, language, CACHE), ctx);
  }

  private static <T extends Sample> List<T> all(Dataset<?> d, Class<T> type) {
    List<T> out = new ArrayList<>();
    try (SampleCursor<?> c = d.samples()) {
      while (c.hasNext()) {
        out.add(type.cast(c.next()));
      }
    }
    return out;
  }
}
