package io.vleval.tasks.linearprobe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.VlevalException;
import io.vleval.api.model.BackboneShape;
import io.vleval.api.model.BlockFeatureExtractor;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskContext;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticDatasetProvider;
import io.vleval.testkit.fake.FakeModel;
import io.vleval.testkit.fake.ListDataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The linear probe as a task: one head scores several evaluation datasets (a class subset, a
 * multi-label set), few-shot shares, protocol names, and the checks made at validation.
 */
class LinearProbeTaskTest {

  @TempDir Path temp;

  private Dataset<LabelledImage> part(SyntheticDatasetProvider.Part p) {
    @SuppressWarnings("unchecked")
    Dataset<LabelledImage> d =
        (Dataset<LabelledImage>)
            new SyntheticDatasetProvider()
                .open(
                    new SyntheticDatasetProvider.Spec(p, Scale.TINY, 5L, null, temp),
                    new PluginContext(0, temp, 1));
    return d;
  }

  static List<LabelledImage> all(Dataset<LabelledImage> d) {
    List<LabelledImage> out = new ArrayList<>();
    try (SampleCursor<LabelledImage> c = d.samples()) {
      while (c.hasNext()) {
        out.add(c.next());
      }
    }
    return out;
  }

  static LinearProbeProvider.Spec spec(
      LinearProbeProvider.Mode mode, ProbeFeature feature, String fraction, int epochs) {
    return new LinearProbeProvider.Spec(
        mode, feature, null, null, null, fraction, epochs, 16, 0.05, null, null, null, null, null,
        null, null, 0);
  }

  static List<ProbePrediction> score(
      TaskSession<LabelledImage, ProbePrediction> session, List<LabelledImage> samples) {
    List<ProbePrediction> out = new ArrayList<>();
    for (int i = 0; i < samples.size(); i += 7) {
      out.addAll(session.process(samples.subList(i, Math.min(samples.size(), i + 7))));
    }
    return out;
  }

  @Test
  void oneHeadScoresEveryEvaluationDataset() {
    Dataset<LabelledImage> train = part(SyntheticDatasetProvider.Part.CLASSIFICATION_TRAIN);
    Dataset<LabelledImage> val = part(SyntheticDatasetProvider.Part.CLASSIFICATION_VAL);
    List<String> classes = val.info().classNames();
    List<LabelledImage> valSamples = all(val);
    // an ImageNet-A/-R stand-in: the images of every third class, labelled in the subset's order
    List<String> subsetClasses = new ArrayList<>();
    Map<Integer, Integer> subsetLabel = new HashMap<>();
    for (int c = 0; c < classes.size(); c += 3) {
      subsetLabel.put(c, subsetClasses.size());
      subsetClasses.add(classes.get(c));
    }
    List<LabelledImage> subset = new ArrayList<>();
    // a ReaL stand-in: each image's own label is accepted, and its class's neighbour
    List<LabelledImage> real = new ArrayList<>();
    for (LabelledImage s : valSamples) {
      if (subsetLabel.containsKey(s.label())) {
        subset.add(new LabelledImage(s.id(), s.image(), subsetLabel.get(s.label())));
      }
      real.add(
          new LabelledImage(
              s.id(), s.image(), s.label(), List.of(s.label(), (s.label() + 1) % classes.size())));
    }
    Dataset<LabelledImage> subsetSet =
        new ListDataset<>(LabelledImage.class, subset, subsetClasses);
    Dataset<LabelledImage> realSet = new ListDataset<>(LabelledImage.class, real, classes);

    Task<LabelledImage, ProbePrediction> task =
        new LinearProbeProvider().create(spec(LinearProbeProvider.Mode.REFERENCE, null, null, 4));
    FakeModel model = new FakeModel();
    try (TaskSession<LabelledImage, ProbePrediction> main =
        task.start(
            model, new TaskContext(val.info(), Optional.of(train), 3, temp.resolve("c"), 8))) {
      // 96 training images, batches of 16, 4 epochs: the backbone saw 384 augmented images
      assertThat(model.imagesEmbedded()).isEqualTo(4 * 96);
      List<ProbePrediction> mainRecords = score(main, valSamples);
      List<ProbePrediction> subsetRecords;
      try (TaskSession<LabelledImage, ProbePrediction> other = main.on(subsetSet.info())) {
        subsetRecords = score(other, subset);
        assertThat(other.finish(subsetRecords).metrics()).isNotEmpty();
      }
      List<ProbePrediction> realRecords;
      TaskOutcome realOutcome;
      try (TaskSession<LabelledImage, ProbePrediction> other = main.on(realSet.info())) {
        realRecords = score(other, real);
        realOutcome = other.finish(realRecords);
      }
      // no second training: only the evaluation images went through the backbone
      assertThat(model.imagesEmbedded())
          .isEqualTo(4 * 96 + valSamples.size() + subset.size() + real.size());

      // the subset's logits are the head's, restricted: where the head's top class lies in the
      // subset, the subset's top class is that class
      Map<String, ProbePrediction> byId = new HashMap<>();
      mainRecords.forEach(r -> byId.put(r.sampleId(), r));
      int compared = 0;
      for (ProbePrediction r : subsetRecords) {
        ProbePrediction full = byId.get(r.sampleId());
        assertThat(r.predicted()).isBetween(0, subsetClasses.size() - 1);
        if (subsetLabel.containsKey(full.predicted())) {
          assertThat(r.predicted()).isEqualTo(subsetLabel.get(full.predicted()));
          compared++;
        }
      }
      assertThat(compared).isPositive();

      // ReaL: a top class is correct when it is any accepted label; top-5 when any of the top 5
      double acc1 = 0;
      for (int i = 0; i < realRecords.size(); i++) {
        ProbePrediction r = realRecords.get(i);
        assertThat(r.predicted()).isEqualTo(mainRecords.get(i).predicted());
        acc1 += r.accepted().contains(r.predicted()) ? 1 : 0;
      }
      assertThat(realOutcome.headline()).isEqualTo("acc1");
      assertThat(realOutcome.metrics().get(0).value()).isEqualTo(acc1 / realRecords.size());
      assertThat(realOutcome.metrics().get(0).value())
          .isGreaterThanOrEqualTo(main.finish(mainRecords).metrics().get(0).value());
    }
  }

  @Test
  void aDatasetWhoseClassesTheHeadDoesNotKnowIsRefusedNamingTheClass() {
    Dataset<LabelledImage> train = part(SyntheticDatasetProvider.Part.CLASSIFICATION_TRAIN);
    Dataset<LabelledImage> val = part(SyntheticDatasetProvider.Part.CLASSIFICATION_VAL);
    Dataset<LabelledImage> odd =
        new ListDataset<>(
            LabelledImage.class,
            List.of(new LabelledImage("x", all(val).get(0).image(), 0)),
            List.of("purple hexagon"));
    Task<LabelledImage, ProbePrediction> task =
        new LinearProbeProvider()
            .create(
                spec(LinearProbeProvider.Mode.CACHED_FEATURES, ProbeFeature.EMBEDDING, null, 2));
    try (TaskSession<LabelledImage, ProbePrediction> main =
        task.start(
            new FakeModel(),
            new TaskContext(val.info(), Optional.of(train), 3, temp.resolve("c"), 8))) {
      assertThatThrownBy(() -> main.on(odd.info()))
          .isInstanceOf(VlevalException.class)
          .hasMessageStartingWith("memory: class 'purple hexagon' (label 0) is not among the 12")
          .hasMessageContaining("matched to the head's by name");
    }
    // told of it when it starts, the task refuses it before training
    FakeModel model = new FakeModel();
    assertThatThrownBy(
            () ->
                task.start(
                    model,
                    new TaskContext(
                        val.info(),
                        Optional.of(train),
                        3,
                        temp.resolve("c"),
                        8,
                        3,
                        List.of(odd.info()))))
        .isInstanceOf(VlevalException.class)
        .hasMessageContaining("'purple hexagon'");
    assertThat(model.imagesEmbedded()).isZero();
  }

  @Test
  void aFewShotShareKeepsEveryClassAndTheSameImagesForTheSameSeed() {
    List<LabelledImage> train = all(part(SyntheticDatasetProvider.Part.CLASSIFICATION_TRAIN));
    Fraction quarter = Fraction.parse("1/4");
    List<LabelledImage> a = quarter.sample(train, 7);
    List<LabelledImage> b = quarter.sample(train, 7);
    List<LabelledImage> c = quarter.sample(train, 8);
    // 8 images a class: ceil(8 / 4) = 2 each
    assertThat(a).hasSize(12 * 2);
    assertThat(a.stream().map(LabelledImage::label).distinct().count()).isEqualTo(12);
    assertThat(a.stream().map(LabelledImage::id).toList())
        .isEqualTo(b.stream().map(LabelledImage::id).toList());
    assertThat(a.stream().map(LabelledImage::id).toList())
        .isNotEqualTo(c.stream().map(LabelledImage::id).toList());
    // a share smaller than one image a class still keeps one
    assertThat(Fraction.parse("1/16").sample(train, 7)).hasSize(12);
    assertThat(Fraction.parse("0.5")).isEqualTo(new Fraction(1, 2));
    assertThat(Fraction.parse("1/1").sample(train, 7)).isSameAs(train);
    assertThatThrownBy(() -> Fraction.parse("3/2")).hasMessageContaining("(0, 1]");
  }

  @Test
  void aFewShotProbeTrainsOnItsShare() {
    Dataset<LabelledImage> train = part(SyntheticDatasetProvider.Part.CLASSIFICATION_TRAIN);
    Dataset<LabelledImage> val = part(SyntheticDatasetProvider.Part.CLASSIFICATION_VAL);
    Task<LabelledImage, ProbePrediction> task =
        new LinearProbeProvider().create(spec(LinearProbeProvider.Mode.REFERENCE, null, "1/2", 3));
    assertThat(task.protocol()).isEqualTo("reference+fraction=1/2");
    FakeModel model = new FakeModel();
    try (TaskSession<LabelledImage, ProbePrediction> s =
        task.start(
            model, new TaskContext(val.info(), Optional.of(train), 3, temp.resolve("c"), 8, 1))) {
      // 48 of the 96 images, batches of 16: 3 steps an epoch, 3 epochs
      assertThat(model.imagesEmbedded()).isEqualTo(3 * 48);
      assertThat(s.process(all(val).subList(0, 2))).hasSize(2);
    }
  }

  @Test
  void theProtocolNamesTheModeTheFeatureAndTheShare() {
    LinearProbeProvider p = new LinearProbeProvider();
    assertThat(p.create(spec(null, null, null, 1)).protocol()).isEqualTo("reference");
    assertThat(p.create(spec(null, ProbeFeature.ATTENTION_POOLING, null, 1)).protocol())
        .isEqualTo("reference+attention-pooling");
    assertThat(
            p.create(
                    spec(LinearProbeProvider.Mode.CACHED_FEATURES, ProbeFeature.EMBEDDING, null, 1))
                .protocol())
        .isEqualTo("cached-features+embedding");
    assertThat(p.create(spec(LinearProbeProvider.Mode.CACHED_FEATURES, null, "1/16", 1)).protocol())
        .isEqualTo("cached-features+fraction=1/16");
  }

  @Test
  void theCapabilityFollowsTheFeature() {
    LinearProbeProvider p = new LinearProbeProvider();
    assertThat(p.requiredCapabilities(spec(null, null, null, 1)))
        .containsExactly(BlockFeatureExtractor.class);
    assertThat(p.requiredCapabilities(spec(null, ProbeFeature.EMBEDDING, null, 1)))
        .containsExactly(ImageEmbedder.class);
  }

  @Test
  void aBlockOrSideTheBackboneCannotServeIsNamedWithTheAllowedRange() {
    LinearProbeProvider p = new LinearProbeProvider();
    BackboneShape tiny = new BackboneShape(2, 64, 14, 56);
    LinearProbeProvider.Spec bad =
        new LinearProbeProvider.Spec(
            null,
            ProbeFeature.ATTENTION_POOLING,
            44,
            60,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    assertThat(p.checkBackbone(bad, tiny))
        .containsExactly(
            "it reads block 44, but the backbone has 2 blocks; allowed 0 to 1",
            "input_size 60 is not a multiple of the backbone's 14 px patch; e.g. 56 or 70",
            "pooling_heads 25 does not divide the backbone's 64 channels; set pooling_heads to the"
                + " backbone's attention heads");
    assertThat(p.checkBackbone(spec(null, null, null, 1), tiny)).isEmpty();
    // the embedding reads no block
    assertThat(p.checkBackbone(spec(null, ProbeFeature.EMBEDDING, null, 1), tiny)).isEmpty();
  }

  @Test
  void settingsThatCannotWorkAreRefused() {
    assertThatThrownBy(
            () ->
                new LinearProbeProvider.Spec(
                    null, null, null, null, null, null, null, 15, null, null, null, null, null,
                    null, null, null, null))
        .hasMessageContaining("batch_size must be even when Mixup or CutMix is on");
    assertThatThrownBy(
            () ->
                spec(
                    LinearProbeProvider.Mode.CACHED_FEATURES,
                    ProbeFeature.ATTENTION_POOLING,
                    null,
                    1))
        .hasMessageContaining("use mode reference");
    assertThatThrownBy(() -> spec(null, null, "2/3x", 1)).hasMessageContaining("like 1/16");
  }

  @Test
  void aTrainingSetSmallerThanABatchIsRefused() {
    Dataset<LabelledImage> train = part(SyntheticDatasetProvider.Part.CLASSIFICATION_TRAIN);
    Dataset<LabelledImage> val = part(SyntheticDatasetProvider.Part.CLASSIFICATION_VAL);
    Task<LabelledImage, ProbePrediction> task =
        new LinearProbeProvider()
            .create(
                new LinearProbeProvider.Spec(
                    null, null, null, null, null, null, 1, 128, null, null, null, null, null, null,
                    null, null, 0));
    assertThatThrownBy(
            () ->
                task.start(
                    new FakeModel(),
                    new TaskContext(val.info(), Optional.of(train), 3, temp.resolve("c"), 8)))
        .isInstanceOf(VlevalException.class)
        .hasMessage(
            "linear-probe: the training set "
                + train.info().location()
                + " has 96 images, fewer than batch_size 128; the reference drops incomplete"
                + " batches, so no step would be taken: lower batch_size");
  }
}
