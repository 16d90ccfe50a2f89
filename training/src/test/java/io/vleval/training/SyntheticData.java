package io.vleval.training;

import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticDatasetProvider;
import io.vleval.datasets.synth.SyntheticDatasetProvider.Part;
import io.vleval.training.data.TrainingData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The synthetic suite (generated once into target/) as training data, shared by the training tests.
 */
final class SyntheticData {

  static final Path CACHE = Path.of("target", "train-test-cache");
  private static TrainingData tiny;

  private SyntheticData() {}

  /**
   * @return the tiny suite (seed 0) at the tiny models' side; cached for the JVM
   */
  static synchronized TrainingData tiny() {
    if (tiny == null) {
      tiny = load(Scale.TINY);
    }
    return tiny;
  }

  static TrainingData load(Scale scale) {
    return load(scale, Training.imageSize());
  }

  static TrainingData load(Scale scale, int imageSize) {
    PluginContext ctx = new PluginContext(0, CACHE, 2);
    Dataset<?> train = open(Part.CLASSIFICATION_TRAIN, scale, ctx);
    List<LabelledImage> classTrain = all(train, LabelledImage.class);
    List<LabelledImage> classVal =
        all(open(Part.CLASSIFICATION_VAL, scale, ctx), LabelledImage.class);
    List<CaptionedImage> capTrain =
        all(open(Part.CAPTIONS_TRAIN, scale, ctx), CaptionedImage.class);
    List<CaptionedImage> capTest = all(open(Part.CAPTIONS_TEST, scale, ctx), CaptionedImage.class);
    List<MultipleChoiceQuestion> questions =
        all(open(Part.MMBENCH, scale, ctx), MultipleChoiceQuestion.class);
    return TrainingData.of(
        train.info().classNames(),
        classTrain,
        classVal,
        capTrain,
        capTest,
        List.of(),
        questions,
        imageSize);
  }

  /**
   * @return the tiny suite with captions-train in English, then Chinese
   */
  static TrainingData tinyBilingual() {
    PluginContext ctx = new PluginContext(0, CACHE, 2);
    return tiny()
        .withCaptionLanguage(
            all(open(Part.CAPTIONS_TRAIN, Scale.TINY, "zh", ctx), CaptionedImage.class));
  }

  /**
   * @return the tiny suite's part in a language (en or zh)
   */
  static List<CaptionedImage> captions(Part part, String language) {
    return all(
        open(part, Scale.TINY, language, new PluginContext(0, CACHE, 2)), CaptionedImage.class);
  }

  private static Dataset<?> open(Part part, Scale scale, PluginContext ctx) {
    return open(part, scale, null, ctx);
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
