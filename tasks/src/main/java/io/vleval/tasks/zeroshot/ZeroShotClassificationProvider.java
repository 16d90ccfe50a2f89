package io.vleval.tasks.zeroshot;

import io.vleval.api.model.Capability;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.TextEmbedder;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.spec.Doc;
import io.vleval.api.spec.MustExist;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskSession;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Zero-shot image classification as CLIP_benchmark runs it for InternVL-C/-G: a text classifier
 * from class names x templates (the 80 OpenAI ImageNet templates by default), images resized on the
 * shorter side and center-cropped, logits {@code 100 x cos}; top-1, top-5, mean per-class recall,
 * with 95% bootstrap intervals over images and per-class accuracy.
 *
 * <p>{@code language} selects CLIP_benchmark's class names and templates of that language, as its
 * {@code --language} does for ImageNet ({@link LanguageFiles}); {@code class_names} and {@code
 * templates} files, when given, take the place of the language's. Validation fails when the
 * language's files are not there. The model's text embedding adds its own prefix ({@code
 * summarize:} for InternVL) in every language, as the reference's tokenizer does.
 */
public final class ZeroShotClassificationProvider
    implements TaskProvider<ZeroShotClassificationProvider.Spec> {

  /** Protocol settings, each with the reference default. */
  public record Spec(
      @Doc(
              "templates file (JSON list or one per line, {c} = class name); default: OpenAI's 80 ImageNet templates, or the language's")
          @MustExist
          Path templates,
      @Doc(
              "class display names (JSON list or one per line, label order); default: the dataset's, or the language's")
          @MustExist
          Path classNames,
      @Doc(
              "CLIP_benchmark's ImageNet class names and templates in en, cn, jp, ar or it (files <lang>_classnames.json and <lang>_zeroshot_classification_templates.json, key imagenet1k)")
          Language language,
      @Doc("folder holding the language's two files; default: the ones built into the tasks module")
          @MustExist
          Path languageFiles,
      @Doc("how images reach the model: shorter-side-center-crop (default) or squash")
          ImageView imageView,
      @Doc("bootstrap resamples for the confidence intervals (default 1000; 0 for none)")
          Integer resamples) {
    public Spec {
      imageView = imageView == null ? ImageView.SHORTER_SIDE_CENTER_CROP : imageView;
      resamples = resamples == null ? 1000 : resamples;
      if (resamples < 0) {
        throw new IllegalArgumentException("resamples must be 0 or more");
      }
      if (languageFiles != null && language == null) {
        throw new IllegalArgumentException(
            "language_files names the folder of a language's files; set language (en, cn, jp, ar"
                + " or it) too, or leave language_files out");
      }
      if (language != null) {
        String missing = LanguageFiles.missing(language, languageFiles);
        if (missing != null) {
          throw new IllegalArgumentException(missing);
        }
      }
    }
  }

  @Override
  public String type() {
    return "zero-shot-classification";
  }

  @Override
  public String description() {
    return "zero-shot image classification (CLIP_benchmark): class names x templates; acc1, acc5, mean per-class recall";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType() {
    return LabelledImage.class;
  }

  @Override
  public Set<Class<? extends Capability>> requiredCapabilities(Spec spec) {
    return Set.of(ImageEmbedder.class, TextEmbedder.class);
  }

  static ScoreOptions options(int resamples, long seed) {
    return resamples == 0 ? ScoreOptions.NO_INTERVALS : new ScoreOptions(resamples, seed, 0.95);
  }

  @Override
  public Task<LabelledImage, ClassPrediction> create(Spec spec) {
    return Task.of(
        "1",
        LabelledImage.class,
        ClassPrediction.class,
        (model, context) -> {
          int classes = context.evaluation().classNames().size();
          LanguageFiles language =
              spec.language() == null
                  ? null
                  : LanguageFiles.of(spec.language(), spec.languageFiles());
          List<String> names =
              spec.classNames() != null
                  ? PromptTemplates.classNames(spec.classNames(), classes)
                  : language != null
                      ? language.classNames(classes)
                      : context.evaluation().classNames();
          // built with the first batch: a resumed run with every sample recorded needs none
          Supplier<TextClassifier> classifier =
              TextClassifier.lazily(
                  model.require(TextEmbedder.class),
                  names,
                  () ->
                      spec.templates() == null && language != null
                          ? language.templates()
                          : PromptTemplates.load(spec.templates()));
          ImageEmbedder images = model.require(ImageEmbedder.class);
          return TaskSession.<LabelledImage, ClassPrediction>of(
              batch -> {
                List<RgbImage> decoded = new ArrayList<>();
                for (LabelledImage s : batch) {
                  decoded.add(s.image().load());
                }
                float[][] embeddings = images.embedImages(decoded, spec.imageView());
                List<ClassPrediction> out = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                  out.add(
                      ClassPrediction.of(
                          batch.get(i).id(),
                          batch.get(i).label(),
                          classifier.get().logits(embeddings[i], 100f)));
                }
                return out;
              },
              records -> {
                return ClassificationOutcome.of(
                    records, names, options(spec.resamples(), context.seed()), false);
              },
              () -> {});
        });
  }
}
