package io.vleval.training.data;

import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.sample.SegmentationPair;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticDatasetProvider;
import io.vleval.datasets.synth.SyntheticDatasetProvider.Part;
import io.vleval.datasets.synth.SyntheticSuite;
import io.vleval.training.Training;
import io.vleval.training.spec.DataSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads the synthetic suite's parts (generating the suite into the cache on first use) and decodes
 * them into {@link TrainingData}: classification-train/-val, captions-train (in every language of
 * {@code caption_languages}), captions-test (English), segmentation-train as scenes of one to four
 * objects ({@link SceneObjects}, for stage 3's questions) and the mmbench part (held out, for the
 * multiple-choice metric).
 */
public final class SyntheticTrainingData {

  private SyntheticTrainingData() {}

  /**
   * @param spec the data section
   * @param defaultCache the cache when the spec names none
   * @param workers decoding/generation threads
   * @return the data, at the presets' side
   */
  public static TrainingData load(DataSpec spec, Path defaultCache, int workers) {
    return load(spec, defaultCache, workers, Training.imageSize());
  }

  /**
   * @param spec the data section
   * @param defaultCache the cache when the spec names none
   * @param workers decoding/generation threads
   * @param imageSize the side every image is preprocessed to
   * @return the data
   */
  public static TrainingData load(DataSpec spec, Path defaultCache, int workers, int imageSize) {
    Path cache = spec.cache() != null ? spec.cache() : defaultCache;
    Scale scale = Scale.valueOf(spec.syntheticScale().toUpperCase(Locale.ROOT));
    PluginContext ctx = new PluginContext(spec.syntheticSeed(), cache, Math.max(1, workers));
    Dataset<?> train =
        open(Part.CLASSIFICATION_TRAIN, scale, spec.syntheticSeed(), null, cache, ctx);
    List<String> languages = spec.captionLanguages();
    List<CaptionedImage> captions =
        all(
            open(Part.CAPTIONS_TRAIN, scale, spec.syntheticSeed(), languages.get(0), cache, ctx),
            CaptionedImage.class);
    TrainingData data =
        TrainingData.of(
            train.info().classNames(),
            all(train, LabelledImage.class),
            all(
                open(Part.CLASSIFICATION_VAL, scale, spec.syntheticSeed(), null, cache, ctx),
                LabelledImage.class),
            captions,
            all(
                open(Part.CAPTIONS_TEST, scale, spec.syntheticSeed(), null, cache, ctx),
                CaptionedImage.class),
            scenes(open(Part.SEGMENTATION_TRAIN, scale, spec.syntheticSeed(), null, cache, ctx)),
            all(
                open(Part.MMBENCH, scale, spec.syntheticSeed(), null, cache, ctx),
                MultipleChoiceQuestion.class),
            imageSize);
    for (String language : languages.subList(1, languages.size())) {
      List<CaptionedImage> other =
          all(
              open(Part.CAPTIONS_TRAIN, scale, spec.syntheticSeed(), language, cache, ctx),
              CaptionedImage.class);
      requireSameImages(captions, other, language);
      data = data.withCaptionLanguage(other);
    }
    return data;
  }

  private static List<TrainingData.SceneImage> scenes(Dataset<?> segmentation) {
    List<TrainingData.SceneImage> out = new ArrayList<>();
    List<String> classes = SyntheticSuite.segmentationClasses();
    for (SegmentationPair s : all(segmentation, SegmentationPair.class)) {
      out.add(
          new TrainingData.SceneImage(
              s.image(), SceneObjects.of(s.image().load(), s.labels().load(), classes)));
    }
    return out;
  }

  private static void requireSameImages(
      List<CaptionedImage> first, List<CaptionedImage> other, String language) {
    boolean same = first.size() == other.size();
    for (int i = 0; same && i < first.size(); i++) {
      same = first.get(i).id().equals(other.get(i).id());
    }
    if (!same) {
      throw new IllegalStateException(
          "captions-train in '"
              + language
              + "' does not list the images of the first"
              + " language in the same order");
    }
  }

  private static Dataset<?> open(
      Part part, Scale scale, long seed, String language, Path cache, PluginContext ctx) {
    return new SyntheticDatasetProvider()
        .open(new SyntheticDatasetProvider.Spec(part, scale, seed, language, cache), ctx);
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
