package io.vleval.tasks.zeroshot;

import io.vleval.api.model.Capability;
import io.vleval.api.model.TextEmbedder;
import io.vleval.api.model.VideoEmbedder;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.sample.LabelledVideo;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.spec.Doc;
import io.vleval.api.spec.MustExist;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Zero-shot video classification (Kinetics): F frames sampled uniformly as the reference MSR-VTT
 * script does, each encoded as an image, the frame embeddings averaged (the model's video
 * embedding), then classified against the template classifier of the class names. Headline: the
 * mean of top-1 and top-5, as the InternVL paper reports Kinetics.
 */
public final class ZeroShotVideoProvider implements TaskProvider<ZeroShotVideoProvider.Spec> {

  /** Protocol settings. */
  public record Spec(
      @Doc("frames sampled per clip (default 8; the paper also reports 1)") Integer frames,
      @Doc("templates file; default: OpenAI's 80 ImageNet templates") @MustExist Path templates,
      @Doc("class display names file (label order); default: the dataset's") @MustExist
          Path classNames,
      @Doc("bootstrap resamples (default 1000; 0 for none)") Integer resamples) {
    public Spec {
      frames = frames == null ? 8 : frames;
      resamples = resamples == null ? 1000 : resamples;
      if (frames < 1 || frames > 256) {
        throw new IllegalArgumentException("frames must be from 1 to 256, got " + frames);
      }
    }
  }

  @Override
  public String type() {
    return "zero-shot-video-classification";
  }

  @Override
  public String description() {
    return "zero-shot video classification (Kinetics): pooled frame embeddings vs class-name templates; top-1, top-5, mean";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType() {
    return LabelledVideo.class;
  }

  @Override
  public Set<Class<? extends Capability>> requiredCapabilities(Spec spec) {
    return Set.of(VideoEmbedder.class, TextEmbedder.class);
  }

  @Override
  public Task<LabelledVideo, ClassPrediction> create(Spec spec) {
    return Task.of(
        "1",
        LabelledVideo.class,
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
          VideoEmbedder videos = model.require(VideoEmbedder.class);
          return TaskSession.<LabelledVideo, ClassPrediction>of(
              batch -> {
                List<List<RgbImage>> clips = new ArrayList<>();
                for (LabelledVideo v : batch) {
                  clips.add(v.video().frames(spec.frames()));
                }
                float[][] embeddings = videos.embedVideos(clips);
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
                    records,
                    names,
                    ZeroShotClassificationProvider.options(spec.resamples(), context.seed()),
                    true);
              },
              () -> {});
        });
  }
}
