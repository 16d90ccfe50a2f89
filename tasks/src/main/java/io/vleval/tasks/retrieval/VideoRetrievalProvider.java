package io.vleval.tasks.retrieval;

import io.vleval.api.model.Capability;
import io.vleval.api.model.TextEmbedder;
import io.vleval.api.model.VideoEmbedder;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.result.MetricValue;
import io.vleval.api.sample.CaptionedVideo;
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
 * Zero-shot text-video retrieval as the reference MSR-VTT script ({@code
 * video_retrieval/test_msrvtt.py}) runs it for InternVL-C/-G: {@code frames} frames per clip
 * sampled as the dataset's rule says (the {@code msrvtt} loader: the script's {@code interval =
 * ceil(n / F)} indices), each encoded as an image by the model's video embedding (the mean of the
 * unnormalized frame embeddings; InternVL's resizes the shorter side and center-crops), captions as
 * written (no {@code pre_caption}) through the model's text embedding (InternVL: the {@code
 * summarize:} prefix, 80 tokens), both L2-normalized, {@code scores = texts . videos^T}, then
 * {@link DualSoftmax dual-softmax} re-scoring unless {@code dual_softmax: false}. Reports
 * text-to-video ({@code t2v_retrieval_recall@K}, one query per caption) and video-to-text ({@code
 * v2t_retrieval_recall@K}, one query per clip: a hit when one of its captions is in the top K)
 * Recall@1/5/10 and their mean ({@code mean_recall}, the headline), with bootstrap intervals over
 * clips.
 *
 * <p>A task of its own rather than a mode of {@code retrieval}: it reads other samples (clips with
 * captions), needs another capability (video embedding), and its protocol differs by default
 * (frames, raw captions, dual softmax, the reference's metric names).
 */
public final class VideoRetrievalProvider implements TaskProvider<VideoRetrievalProvider.Spec> {

  /** Protocol settings, each with the reference default. */
  public record Spec(
      @Doc("frames sampled per clip (default 8; the paper reports 1 and 8)") Integer frames,
      @Doc("re-score with the reference's dual softmax (default true)") Boolean dualSoftmax,
      @Doc("the K of Recall@K (default [1, 5, 10])") List<Integer> ks,
      @Doc("bootstrap resamples (default 1000; 0 for none)") Integer resamples) {
    public Spec {
      frames = frames == null ? 8 : frames;
      dualSoftmax = dualSoftmax == null ? Boolean.TRUE : dualSoftmax;
      ks = ks == null || ks.isEmpty() ? List.of(1, 5, 10) : List.copyOf(ks);
      resamples = resamples == null ? 1000 : resamples;
      if (frames < 1 || frames > 256) {
        throw new IllegalArgumentException("frames must be from 1 to 256, got " + frames);
      }
      for (int k : ks) {
        if (k < 1) {
          throw new IllegalArgumentException("every value of ks must be at least 1, got " + k);
        }
      }
      if (resamples < 0) {
        throw new IllegalArgumentException("resamples must be 0 or more, got " + resamples);
      }
    }
  }

  /** One clip and its captions, embedded and normalized (kept so scores can be recomputed). */
  public record Embedded(String sampleId, List<String> captions, float[] video, List<float[]> texts)
      implements SampleRecord {}

  @Override
  public String type() {
    return "video-retrieval";
  }

  @Override
  public String description() {
    return "zero-shot text-video retrieval (MSR-VTT script): pooled frames, dual softmax; R@1/5/10 both directions and their mean";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType() {
    return CaptionedVideo.class;
  }

  @Override
  public Set<Class<? extends Capability>> requiredCapabilities(Spec spec) {
    return Set.of(VideoEmbedder.class, TextEmbedder.class);
  }

  @Override
  public Task<CaptionedVideo, Embedded> create(Spec spec) {
    return Task.of(
        "1",
        CaptionedVideo.class,
        Embedded.class,
        (model, context) -> {
          VideoEmbedder videos = model.require(VideoEmbedder.class);
          TextEmbedder texts = model.require(TextEmbedder.class);
          return TaskSession.<CaptionedVideo, Embedded>of(
              batch -> {
                List<List<RgbImage>> clips = new ArrayList<>();
                List<String> captions = new ArrayList<>();
                for (CaptionedVideo v : batch) {
                  clips.add(v.video().frames(spec.frames()));
                  captions.addAll(v.captions());
                }
                float[][] videoVectors = videos.embedVideos(clips);
                float[][] textVectors = texts.embedTexts(captions);
                List<Embedded> out = new ArrayList<>();
                int t = 0;
                for (int i = 0; i < batch.size(); i++) {
                  List<float[]> own = new ArrayList<>();
                  for (int c = 0; c < batch.get(i).captions().size(); c++, t++) {
                    own.add(Vectors.normalized(textVectors[t]));
                  }
                  out.add(
                      new Embedded(
                          batch.get(i).id(),
                          batch.get(i).captions(),
                          Vectors.normalized(videoVectors[i]),
                          own));
                }
                return out;
              },
              records -> outcome(records, spec, context.seed()),
              () -> {});
        });
  }

  static TaskOutcome outcome(List<Embedded> records, Spec spec, long seed) {
    ScoreMatrix<Embedded> m = ScoreMatrix.of(records, Embedded::video, Embedded::texts);
    RetrievalRanks ranks =
        spec.dualSoftmax()
            ? DualSoftmax.ranks(m, m.textIndex(), ScoreMatrix.BLOCK_ROWS)
            : ZeroShotRetrieval.ranks(m, m.textIndex(), ScoreMatrix.BLOCK_ROWS);
    ScoreTable table =
        RetrievalScoring.score(
            ranks,
            m.ks(spec.ks()),
            ScoreMatrix.options(spec.resamples(), seed),
            "video",
            "t2v_retrieval_recall",
            "v2t_retrieval_recall");
    List<MetricValue> metrics = Outcomes.metrics(table, name -> true, "");
    return new TaskOutcome("mean_recall", metrics, List.of());
  }
}
