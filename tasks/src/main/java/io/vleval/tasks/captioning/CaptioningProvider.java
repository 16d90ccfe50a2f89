package io.vleval.tasks.captioning;

import io.vleval.api.model.Capability;
import io.vleval.api.model.CaptionGenerator;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.spec.Doc;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import io.vleval.tasks.outcome.Outcomes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Zero-shot captioning as InternVL-G's {@code evaluate_caption.py} runs it: prompt {@code "English
 * caption:"}, beam search of 5, 8 to 30 new tokens; scored by coco-caption (PTB tokenizer,
 * BLEU-1..4, ROUGE-L, CIDEr-D). The headline is CIDEr.
 */
public final class CaptioningProvider implements TaskProvider<CaptioningProvider.Spec> {

  /** Protocol settings, defaulting to the reference. */
  public record Spec(
      @Doc("prompt given with the image (default \"English caption:\")") String prompt,
      @Doc("beam size (default 5)") Integer beamSize,
      @Doc("minimum new tokens (default 8)") Integer minNewTokens,
      @Doc("maximum new tokens (default 30)") Integer maxNewTokens,
      @Doc("length penalty of beam search (default 1.0)") Double lengthPenalty,
      @Doc("PTB-tokenize before scoring, as COCOEvalCap does (default true)") Boolean tokenize,
      @Doc("bootstrap resamples over images (default 1000; 0 for none)") Integer resamples) {
    public Spec {
      prompt = prompt == null ? "English caption:" : prompt;
      beamSize = beamSize == null ? 5 : beamSize;
      minNewTokens = minNewTokens == null ? 8 : minNewTokens;
      maxNewTokens = maxNewTokens == null ? 30 : maxNewTokens;
      lengthPenalty = lengthPenalty == null ? 1.0 : lengthPenalty;
      tokenize = tokenize == null ? Boolean.TRUE : tokenize;
      resamples = resamples == null ? 1000 : resamples;
      if (beamSize < 1) {
        throw new IllegalArgumentException("beam_size must be at least 1, got " + beamSize);
      }
      if (minNewTokens < 0 || maxNewTokens < minNewTokens) {
        throw new IllegalArgumentException(
            "need 0 <= min_new_tokens <= max_new_tokens, got "
                + minNewTokens
                + " and "
                + maxNewTokens);
      }
    }
  }

  /** One generated caption with its references. */
  public record Caption(String sampleId, String prediction, List<String> references)
      implements SampleRecord {}

  @Override
  public String type() {
    return "captioning";
  }

  @Override
  public String description() {
    return "captioning (InternVL-G protocol): BLEU-1..4, ROUGE-L, CIDEr-D as coco-caption computes them";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType() {
    return CaptionedImage.class;
  }

  @Override
  public Set<Class<? extends Capability>> requiredCapabilities(Spec spec) {
    return Set.of(CaptionGenerator.class);
  }

  @Override
  public Task<CaptionedImage, Caption> create(Spec spec) {
    GenerationSettings settings =
        new GenerationSettings(
            spec.beamSize(), spec.minNewTokens(), spec.maxNewTokens(), spec.lengthPenalty());
    return Task.of(
        "1",
        CaptionedImage.class,
        Caption.class,
        (model, context) -> {
          CaptionGenerator generator = model.require(CaptionGenerator.class);
          return TaskSession.<CaptionedImage, Caption>of(
              batch -> {
                List<RgbImage> images = new ArrayList<>();
                for (CaptionedImage s : batch) {
                  images.add(s.image().load());
                }
                List<String> captions = generator.caption(images, spec.prompt(), settings);
                List<Caption> out = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                  out.add(
                      new Caption(
                          batch.get(i).id(), captions.get(i).strip(), batch.get(i).captions()));
                }
                return out;
              },
              records -> {
                List<CaptionSample> samples = new ArrayList<>();
                for (Caption c : records) {
                  samples.add(new CaptionSample(c.sampleId(), c.references(), c.prediction()));
                }
                ScoreOptions options =
                    spec.resamples() == 0
                        ? ScoreOptions.NO_INTERVALS
                        : new ScoreOptions(spec.resamples(), context.seed(), 0.95);
                ScoreTable table = CaptionScoring.score(samples, spec.tokenize(), options);
                return new TaskOutcome(
                    "CIDEr", Outcomes.metrics(table, name -> true, ""), List.of());
              },
              () -> {});
        });
  }
}
