package io.vleval.tasks.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vleval.api.model.Model;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.sample.Sample;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.TaskContext;
import io.vleval.datasets.synth.SyntheticDatasetProvider.Part;
import io.vleval.tasks.captioning.CaptioningProvider;
import io.vleval.tasks.linearprobe.LinearProbeProvider;
import io.vleval.tasks.linearprobe.ProbePrediction;
import io.vleval.tasks.mmbench.MmbenchProvider;
import io.vleval.tasks.retrieval.RetrievalProvider;
import io.vleval.tasks.retrieval.VideoRetrievalProvider;
import io.vleval.tasks.segmentation.SegmentationProvider;
import io.vleval.tasks.segmentation.TinyBackbone;
import io.vleval.tasks.zeroshot.ClassPrediction;
import io.vleval.tasks.zeroshot.ZeroShotClassificationProvider;
import io.vleval.tasks.zeroshot.ZeroShotVideoProvider;
import io.vleval.testkit.contract.TaskProviderContractTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every task passes the task contract on the synthetic suite with a weight-free model, and its
 * headline metrics equal values recomputed here, independently, from its per-sample records.
 */
class TaskContractTests {

  static double top1(List<SampleRecord> records) {
    return records.stream()
        .mapToDouble(r -> ((ClassPrediction) r).correct() ? 1 : 0)
        .average()
        .orElseThrow();
  }

  @Nested
  class ZeroShotClassification
      extends TaskProviderContractTest<ZeroShotClassificationProvider.Spec> {
    @Override
    protected TaskProvider<ZeroShotClassificationProvider.Spec> provider() {
      return new ZeroShotClassificationProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "image_view: squash\nresamples: 50\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("image_view: crop\n", "image_view");
    }

    @Override
    protected Dataset<? extends Sample> dataset() {
      return Suite.part(Part.CLASSIFICATION_VAL);
    }

    @Override
    protected Model model() {
      return Suite.pixels();
    }

    @Test
    void top1IsTheFractionOfCorrectRecords() {
      Run run = runOnce(1);
      assertThat(run.outcome().metrics().get(0).name()).isEqualTo("acc1");
      assertThat(run.outcome().metrics().get(0).value()).isEqualTo(top1(run.records()));
      assertThat(run.records()).hasSize(48);
      assertThat(run.outcome().categories()).hasSize(12);
      assertThat(run.outcome().metrics().get(0).interval()).isNotNull();
    }
  }

  @Nested
  class ZeroShotVideo extends TaskProviderContractTest<ZeroShotVideoProvider.Spec> {
    @Override
    protected TaskProvider<ZeroShotVideoProvider.Spec> provider() {
      return new ZeroShotVideoProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "frames: 4\nresamples: 20\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("frames: 0\n", "frames");
    }

    @Override
    protected Dataset<? extends Sample> dataset() {
      return Suite.part(Part.VIDEO_VAL);
    }

    @Override
    protected Model model() {
      return Suite.pixels();
    }

    @Test
    void headlineIsTheMeanOfTop1AndTop5() {
      Run run = runOnce(2);
      double top1 = top1(run.records());
      double top5 =
          run.records().stream()
              .mapToDouble(r -> ((ClassPrediction) r).rank() < 5 ? 1 : 0)
              .average()
              .orElseThrow();
      assertThat(run.outcome().headline()).isEqualTo("mean_top1_top5");
      assertThat(
              run.outcome().metrics().stream()
                  .filter(m -> m.name().equals("mean_top1_top5"))
                  .findFirst()
                  .orElseThrow()
                  .value())
          .isCloseTo((top1 + top5) / 2, within(1e-12));
    }
  }

  @Nested
  class LinearProbe extends TaskProviderContractTest<LinearProbeProvider.Spec> {
    @Override
    protected TaskProvider<LinearProbeProvider.Spec> provider() {
      return new LinearProbeProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      // the reference protocol (augmented images through the backbone every epoch), tiny
      return "epochs: 30\nbatch_size: 32\nlearning_rate: 0.05\nresamples: 20\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("epochs: 0\n", "epochs");
    }

    @Override
    protected Dataset<? extends Sample> dataset() {
      return Suite.part(Part.CLASSIFICATION_VAL);
    }

    @Override
    protected Optional<Dataset<?>> trainingDataset() {
      return Optional.of(Suite.part(Part.CLASSIFICATION_TRAIN));
    }

    @Override
    protected Model model() {
      return Suite.pixels();
    }

    @Test
    void aTrainedHeadOnColourTokensBeatsChanceAndTop1MatchesTheRecords() {
      Run run = runOnce(4);
      double top1 =
          run.records().stream()
              .mapToDouble(r -> ((ProbePrediction) r).correct() ? 1 : 0)
              .average()
              .orElseThrow();
      assertThat(run.outcome().metrics().get(0).name()).isEqualTo("acc1");
      assertThat(run.outcome().metrics().get(0).value()).isEqualTo(top1);
      // 12 classes (4 colours x 3 shapes): chance is 1/12; the mean colour tells the 4 colours
      // apart, so the probe does better than chance
      assertThat(top1).isGreaterThan(2.0 / 12);
    }

    @Test
    void theProtocolIsTheReference() {
      assertThat(provider().create(exampleSpec()).protocol()).isEqualTo("reference");
    }
  }

  @Nested
  class Segmentation extends TaskProviderContractTest<SegmentationProvider.Spec> {
    @Override
    protected TaskProvider<SegmentationProvider.Spec> provider() {
      return new SegmentationProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "recipe: patch-probe\nmode: slide\nepochs: 5\nresamples: 20\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("mode: sliding\n", "mode");
    }

    @Override
    protected Dataset<? extends Sample> dataset() {
      return Suite.part(Part.SEGMENTATION_VAL);
    }

    @Override
    protected Optional<Dataset<?>> trainingDataset() {
      return Optional.of(Suite.part(Part.SEGMENTATION_TRAIN));
    }

    @Override
    protected Model model() {
      return Suite.pixels();
    }

    @Test
    void aAccIsTheLabelledPixelsPredictedRight() {
      Run run = runOnce(5);
      long hit = 0;
      long all = 0;
      for (SampleRecord r : run.records()) {
        SegmentationProvider.Areas a = (SegmentationProvider.Areas) r;
        for (int c = 0; c < a.intersect().length; c++) {
          hit += a.intersect()[c];
          all += a.label()[c];
        }
      }
      double aAcc =
          run.outcome().metrics().stream()
              .filter(m -> m.name().equals("aAcc"))
              .findFirst()
              .orElseThrow()
              .value();
      assertThat(aAcc).isCloseTo((double) hit / all, within(1e-12));
      assertThat(run.outcome().categories())
          .extracting("category")
          .containsExactly("circle", "square", "triangle");
    }
  }

  /** The reference recipe at a tiny scale: augmented crops, AdamW, sliding windows. */
  @Nested
  class SegmentationReference extends TaskProviderContractTest<SegmentationProvider.Spec> {
    @Override
    protected TaskProvider<SegmentationProvider.Spec> provider() {
      return new SegmentationProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "crop_size: 56\niterations: 6\nbatch_size: 4\nlearning_rate: 0.01\n"
          + "warmup_iterations: 2\nresamples: 20\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("head: fcn\n", "head");
    }

    @Override
    protected Dataset<? extends Sample> dataset() {
      return Suite.part(Part.SEGMENTATION_VAL);
    }

    @Override
    protected Optional<Dataset<?>> trainingDataset() {
      return Optional.of(Suite.part(Part.SEGMENTATION_TRAIN));
    }

    @Override
    protected Model model() {
      return Suite.pixels();
    }

    /** A resumed run whose samples are all recorded passes no batch, so the head never trains. */
    @Test
    void startingASessionDoesNotTrain() {
      var task = provider().create(exampleSpec());
      try (Model model = model();
          var session =
              task.start(
                  model,
                  new TaskContext(
                      dataset().info(), Optional.empty(), 1, temp.resolve("cache"), 3))) {
        assertThat(session).isNotNull();
      }
    }

    @Test
    void recordsTheReferenceProtocol() {
      assertThat(provider().create(exampleSpec()).protocol()).isEqualTo("reference");
      Run run = runOnce(5);
      assertThat(run.records()).hasSize(20);
      assertThat(run.outcome().headline()).isEqualTo("mIoU");
    }
  }

  /** Head tuning at a tiny scale: pyramid, UperNet and the auxiliary head on the pixel blocks. */
  @Nested
  class SegmentationUperNet extends TaskProviderContractTest<SegmentationProvider.Spec> {
    @Override
    protected TaskProvider<SegmentationProvider.Spec> provider() {
      return new SegmentationProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "head: upernet\nhead_channels: 8\ncrop_size: 56\niterations: 4\nbatch_size: 2\n"
          + "learning_rate: 0.01\nwarmup_iterations: 1\nresamples: 20\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("head: upernet\nblocks: [0, 0]\n", "blocks");
    }

    @Override
    protected Dataset<? extends Sample> dataset() {
      return Suite.part(Part.SEGMENTATION_VAL);
    }

    @Override
    protected Optional<Dataset<?>> trainingDataset() {
      return Optional.of(Suite.part(Part.SEGMENTATION_TRAIN));
    }

    @Override
    protected Model model() {
      return Suite.pixels();
    }
  }

  /**
   * Full tuning at a tiny scale: a toy trainable backbone fine-tuned under UperNet with layer-wise
   * decay and drop path.
   */
  @Nested
  class SegmentationFullTuning extends TaskProviderContractTest<SegmentationProvider.Spec> {
    @Override
    protected TaskProvider<SegmentationProvider.Spec> provider() {
      return new SegmentationProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "head: upernet\nbackbone: trainable\nhead_channels: 4\ncrop_size: 56\n"
          + "iterations: 3\nbatch_size: 2\nlearning_rate: 0.01\nwarmup_iterations: 1\n"
          + "layer_decay_rate: 0.9\ndrop_path_rate: 0.2\nresamples: 20\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("backbone: thawed\n", "backbone");
    }

    @Override
    protected Dataset<? extends Sample> dataset() {
      return Suite.part(Part.SEGMENTATION_VAL);
    }

    @Override
    protected Optional<Dataset<?>> trainingDataset() {
      return Optional.of(Suite.part(Part.SEGMENTATION_TRAIN));
    }

    @Override
    protected Model model() {
      return new TinyBackbone(2, 8, 14, 5).model();
    }

    @Test
    void recordsTheReferenceProtocol() {
      assertThat(provider().create(exampleSpec()).protocol()).isEqualTo("reference");
      Run run = runOnce(5);
      assertThat(run.records()).hasSize(20);
      assertThat(run.outcome().headline()).isEqualTo("mIoU");
    }
  }

  @Nested
  class Retrieval extends TaskProviderContractTest<RetrievalProvider.Spec> {
    @Override
    protected TaskProvider<RetrievalProvider.Spec> provider() {
      return new RetrievalProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "ks: [1, 5]\nresamples: 20\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("ks: [0]\n", "ks");
    }

    @Override
    protected Dataset<? extends Sample> dataset() {
      return Suite.part(Part.CAPTIONS_TEST);
    }

    @Override
    protected Model model() {
      return Suite.pixels();
    }

    @Test
    void imageToTextRecallAtOneFromTheEmbeddings() {
      Run run = runOnce(6);
      List<RetrievalProvider.Embedded> recs =
          run.records().stream().map(r -> (RetrievalProvider.Embedded) r).toList();
      int hits = 0;
      for (int i = 0; i < recs.size(); i++) {
        // the best-scoring caption over all captions: is it one of image i's own?
        double best = Double.NEGATIVE_INFINITY;
        int owner = -1;
        for (int j = 0; j < recs.size(); j++) {
          for (float[] t : recs.get(j).texts()) {
            double s = 0;
            for (int d = 0; d < t.length; d++) {
              s += t[d] * recs.get(i).image()[d];
            }
            if (s > best) {
              best = s;
              owner = j;
            }
          }
        }
        hits += owner == i ? 1 : 0;
      }
      double i2t1 =
          run.outcome().metrics().stream()
              .filter(m -> m.name().equals("text_retrieval_recall@1"))
              .findFirst()
              .orElseThrow()
              .value();
      assertThat(i2t1).isCloseTo((double) hits / recs.size(), within(1e-6));
    }
  }

  @Nested
  class VideoRetrieval extends TaskProviderContractTest<VideoRetrievalProvider.Spec> {
    @Override
    protected TaskProvider<VideoRetrievalProvider.Spec> provider() {
      return new VideoRetrievalProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "frames: 4\nks: [1, 5]\nresamples: 20\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("dual_softmax: maybe\n", "dual_softmax");
    }

    @Override
    protected Dataset<? extends Sample> dataset() {
      return Suite.part(Part.MSRVTT);
    }

    @Override
    protected Model model() {
      return Suite.pixels();
    }

    /**
     * Text-to-video Recall@1 with dual softmax, recomputed here from the records: each caption's
     * similarity to each clip, weighted by the softmax over the captions of that clip's column.
     */
    @Test
    void textToVideoRecallAtOneWithDualSoftmaxFromTheEmbeddings() {
      Run run = runOnce(6);
      List<VideoRetrievalProvider.Embedded> recs =
          run.records().stream().map(r -> (VideoRetrievalProvider.Embedded) r).toList();
      int n = recs.size();
      double[][] s = new double[n][n];
      for (int t = 0; t < n; t++) {
        for (int v = 0; v < n; v++) {
          float[] a = recs.get(t).texts().get(0);
          float[] b = recs.get(v).video();
          for (int d = 0; d < a.length; d++) {
            s[t][v] += a[d] * b[d];
          }
        }
      }
      int hits = 0;
      for (int t = 0; t < n; t++) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < n; v++) {
          double column = 0;
          for (int u = 0; u < n; u++) {
            column += Math.exp(s[u][v]);
          }
          double score = s[t][v] * Math.exp(s[t][v]) / column;
          if (score > bestScore) {
            bestScore = score;
            best = v;
          }
        }
        hits += best == t ? 1 : 0;
      }
      assertThat(recs).hasSize(12).allSatisfy(r -> assertThat(r.texts()).hasSize(1));
      assertThat(run.outcome().headline()).isEqualTo("mean_recall");
      double t2v1 =
          run.outcome().metrics().stream()
              .filter(m -> m.name().equals("t2v_retrieval_recall@1"))
              .findFirst()
              .orElseThrow()
              .value();
      assertThat(t2v1).isCloseTo((double) hits / n, within(1e-6));
      assertThat(run.outcome().metrics())
          .extracting("name")
          .containsExactly(
              "t2v_retrieval_recall@1",
              "t2v_retrieval_recall@5",
              "v2t_retrieval_recall@1",
              "v2t_retrieval_recall@5",
              "mean_recall");
    }
  }

  @Nested
  class Captioning extends TaskProviderContractTest<CaptioningProvider.Spec> {
    @Override
    protected TaskProvider<CaptioningProvider.Spec> provider() {
      return new CaptioningProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "beam_size: 1\nmax_new_tokens: 12\nresamples: 20\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("beam_size: 0\n", "beam_size");
    }

    @Override
    protected Dataset<? extends Sample> dataset() {
      return Suite.part(Part.CAPTIONS_TEST);
    }

    @Override
    protected Model model() {
      return Suite.random();
    }

    @Test
    void recordsKeepPredictionsAndReferences() {
      Run run = runOnce(7);
      CaptioningProvider.Caption first = (CaptioningProvider.Caption) run.records().get(0);
      assertThat(first.references()).hasSize(5);
      assertThat(first.prediction()).isNotBlank();
      assertThat(run.outcome().headline()).isEqualTo("CIDEr");
      assertThat(run.outcome().metrics()).extracting("name").contains("Bleu_4", "ROUGE_L", "CIDEr");
    }
  }

  @Nested
  class Mmbench extends TaskProviderContractTest<MmbenchProvider.Spec> {
    @Override
    protected TaskProvider<MmbenchProvider.Spec> provider() {
      return new MmbenchProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "max_new_tokens: 5\nresamples: 20\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("circular: maybe\n", "circular");
    }

    @Override
    protected Dataset<? extends Sample> dataset() {
      return Suite.part(Part.MMBENCH);
    }

    @Override
    protected Model model() {
      return Suite.random();
    }

    @Test
    void circularAccuracyCountsOnlyQuestionsRightInEveryShift() {
      Run run = runOnce(8);
      Map<String, Boolean> allRight = new HashMap<>();
      for (SampleRecord r : run.records()) {
        MmbenchProvider.Answer a = (MmbenchProvider.Answer) r;
        // the random model answers with a bare letter
        allRight.merge(a.questionIndex(), a.prediction().equals(a.answer()), Boolean::logicalAnd);
      }
      double expected =
          allRight.values().stream().mapToDouble(b -> b ? 1 : 0).average().orElseThrow();
      assertThat(run.outcome().metrics().get(0).name()).isEqualTo("Overall");
      assertThat(run.outcome().metrics().get(0).value()).isCloseTo(expected, within(1e-12));
      assertThat(run.outcome().categories())
          .extracting("category")
          .contains("attribute_recognition");
    }
  }
}
