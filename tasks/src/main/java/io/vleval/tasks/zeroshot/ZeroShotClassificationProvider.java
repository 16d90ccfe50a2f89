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
 */
public final class ZeroShotClassificationProvider
    implements TaskProvider<ZeroShotClassificationProvider.Spec> {

  /** Protocol settings, each with the reference default. */
  public record Spec(
      @Doc(
              "templates file (JSON list or one per line, {c} = class name); default: OpenAI's 80 ImageNet templates")
          @MustExist
          Path templates,
      @Doc(
              "class display names (JSON list or one per line, label order), e.g. another language; default: the dataset's")
          @MustExist
          Path classNames,
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
          List<String> names =
              spec.classNames() != null
                  ? PromptTemplates.classNames(
                      spec.classNames(), context.evaluation().classNames().size())
                  : context.evaluation().classNames();
          // built with the first batch: a resumed run with every sample recorded needs none
          Supplier<TextClassifier> classifier =
              TextClassifier.lazily(
                  model.require(TextEmbedder.class),
                  names,
                  () -> PromptTemplates.load(spec.templates()));
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
