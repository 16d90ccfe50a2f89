package io.vleval.tasks.retrieval;

import io.vleval.api.model.Capability;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.TextEmbedder;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.result.MetricValue;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.spec.Doc;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.tasks.embedding.Vectors;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.outcome.Outcomes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Zero-shot image-text retrieval as CLIP_benchmark runs it: images squashed to the model's size,
 * captions through {@code pre_caption} (COCO/Flickr; off for XTD), L2-normalized embeddings, {@code
 * scores = texts . images^T}. Reports text-to-image ({@code image_retrieval_recall@k}) and
 * image-to-text ({@code text_retrieval_recall@k}) Recall@1/5/10 and their mean; the headline is the
 * mean recall (XTD's reference number is {@code text_retrieval_recall@10}).
 */
public final class RetrievalProvider implements TaskProvider<RetrievalProvider.Spec> {

  /** Protocol settings. */
  public record Spec(
      @Doc("apply CLIP_benchmark's pre_caption cleaning (default true; false for XTD)")
          Boolean preCaption,
      @Doc("the K of Recall@K (default [1, 5, 10])") List<Integer> ks,
      @Doc("how images reach the model: squash (default) or shorter-side-center-crop")
          ImageView imageView,
      @Doc("bootstrap resamples (default 1000; 0 for none)") Integer resamples) {
    public Spec {
      preCaption = preCaption == null ? Boolean.TRUE : preCaption;
      ks = ks == null || ks.isEmpty() ? List.of(1, 5, 10) : List.copyOf(ks);
      imageView = imageView == null ? ImageView.SQUASH : imageView;
      resamples = resamples == null ? 1000 : resamples;
      for (int k : ks) {
        if (k < 1) {
          throw new IllegalArgumentException("every value of ks must be at least 1, got " + k);
        }
      }
    }
  }

  /** One image and its captions, embedded and normalized (kept so scores can be recomputed). */
  public record Embedded(String sampleId, List<String> captions, float[] image, List<float[]> texts)
      implements SampleRecord {}

  @Override
  public String type() {
    return "retrieval";
  }

  @Override
  public String description() {
    return "zero-shot image-text retrieval (CLIP_benchmark): Recall@1/5/10 both directions and their mean";
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
    return Set.of(ImageEmbedder.class, TextEmbedder.class);
  }

  @Override
  public Task<CaptionedImage, Embedded> create(Spec spec) {
    return Task.of(
        "1",
        CaptionedImage.class,
        Embedded.class,
        (model, context) -> {
          ImageEmbedder images = model.require(ImageEmbedder.class);
          TextEmbedder texts = model.require(TextEmbedder.class);
          return TaskSession.<CaptionedImage, Embedded>of(
              batch -> {
                List<RgbImage> decoded = new ArrayList<>();
                List<String> captions = new ArrayList<>();
                for (CaptionedImage s : batch) {
                  decoded.add(s.image().load());
                  for (String c : s.captions()) {
                    captions.add(spec.preCaption() ? PreCaption.apply(c) : c);
                  }
                }
                float[][] imageVectors = images.embedImages(decoded, spec.imageView());
                float[][] textVectors = texts.embedTexts(captions);
                List<Embedded> out = new ArrayList<>();
                int t = 0;
                for (int i = 0; i < batch.size(); i++) {
                  List<float[]> own = new ArrayList<>();
                  List<String> ownCaptions = new ArrayList<>();
                  for (int c = 0; c < batch.get(i).captions().size(); c++, t++) {
                    own.add(Vectors.normalized(textVectors[t]));
                    ownCaptions.add(captions.get(t));
                  }
                  out.add(
                      new Embedded(
                          batch.get(i).id(),
                          ownCaptions,
                          Vectors.normalized(imageVectors[i]),
                          own));
                }
                return out;
              },
              records -> {
                return outcome(records, spec, context.seed());
              },
              () -> {});
        });
  }

  static TaskOutcome outcome(List<Embedded> records, Spec spec, long seed) {
    ScoreMatrix<Embedded> m = ScoreMatrix.of(records, Embedded::image, Embedded::texts);
    ScoreTable table =
        RetrievalScoring.score(
            ZeroShotRetrieval.ranks(m, m.textIndex(), ScoreMatrix.BLOCK_ROWS),
            m.ks(spec.ks()),
            ScoreMatrix.options(spec.resamples(), seed),
            "image",
            "image_retrieval_recall",
            "text_retrieval_recall");
    List<MetricValue> metrics = Outcomes.metrics(table, name -> true, "");
    return new TaskOutcome("mean_recall", metrics, List.of());
  }
}
