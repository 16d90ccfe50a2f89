package io.vleval.tasks.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vleval.api.model.Model;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.sample.SegmentationPair;
import io.vleval.api.task.SampleRecord;
import io.vleval.datasets.ade20k.Ade20kProvider;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticDatasetProvider;
import io.vleval.tasks.segmentation.ClassAreas;
import io.vleval.tasks.segmentation.SegmentationMetrics;
import io.vleval.tasks.segmentation.SegmentationProvider;
import io.vleval.tasks.segmentation.SegmentationProvider.Areas;
import io.vleval.testkit.contract.TaskProviderContractTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Label values outside [0, num_classes) other than the ignore index: the synthetic scenes (shapes
 * 1..3, reduced to classes 0..2) read with {@code num_classes: 2}, so every pixel of class 2 is out
 * of range. mmsegmentation's arithmetic is kept (they count for no label area), each record counts
 * them, and the outcome warns once with the number of images and pixels.
 */
class SegmentationLabelRangeTest extends TaskProviderContractTest<SegmentationProvider.Spec> {

  private static final int CLASSES = 2;

  private static Dataset<? extends Sample> ade(Ade20kProvider.Split split) {
    Path suite = SyntheticDatasetProvider.ensureSuite(Suite.cache(), Scale.TINY, 3, 2);
    return new Ade20kProvider()
        .open(
            new Ade20kProvider.Spec(
                suite.resolve("ADEChallengeData2016"), split, true, CLASSES, null),
            new PluginContext(0, Suite.cache(), 1));
  }

  @Override
  protected TaskProvider<SegmentationProvider.Spec> provider() {
    return new SegmentationProvider();
  }

  @Override
  protected String exampleSpecYaml() {
    return "recipe: patch-probe\nepochs: 3\nresamples: 20\n";
  }

  @Override
  protected BadSpec badSpec() {
    return new BadSpec("epochs: many\n", "epochs");
  }

  @Override
  protected Dataset<? extends Sample> dataset() {
    return ade(Ade20kProvider.Split.VALIDATION);
  }

  @Override
  protected Optional<Dataset<?>> trainingDataset() {
    return Optional.of(ade(Ade20kProvider.Split.TRAINING));
  }

  @Override
  protected Model model() {
    return Suite.pixels();
  }

  @Test
  void outOfRangeLabelsAreCountedPerImageAndWarnedOnceWithTheKeptArithmetic() {
    // what the loader hands over: reduced labels, where 255 is ignored and 2 is out of range
    List<Long> expected = new ArrayList<>();
    try (SampleCursor<? extends Sample> cursor = dataset().samples()) {
      while (cursor.hasNext()) {
        byte[] values = ((SegmentationPair) cursor.next()).labels().load().values();
        long n = 0;
        for (byte v : values) {
          n += (v & 0xFF) == CLASSES ? 1 : 0;
        }
        expected.add(n);
      }
    }
    long images = expected.stream().filter(n -> n > 0).count();
    long pixels = expected.stream().mapToLong(Long::longValue).sum();
    assertThat(images).as("the synthetic scenes hold class-2 shapes").isPositive();

    Run run = runOnce(1);
    List<Areas> records = new ArrayList<>();
    for (SampleRecord r : run.records()) {
      records.add((Areas) r);
    }
    assertThat(records).extracting(Areas::outOfRangeLabels).containsExactlyElementsOf(expected);
    assertThat(run.outcome().warnings())
        .containsExactly(
            images
                + " of "
                + records.size()
                + " label maps hold values outside the classes [0, 2) other than the ignore"
                + " index 255 ("
                + pixels
                + " pixels); as in mmsegmentation they count for no class, but their"
                + " predictions still do, which lowers those classes' IoU; check the label maps"
                + " and the dataset's num_classes and reduce_zero_label");

    // mmsegmentation's arithmetic is unchanged: the label areas hold no out-of-range pixel
    ClassAreas[] perImage = new ClassAreas[records.size()];
    for (int i = 0; i < perImage.length; i++) {
      Areas r = records.get(i);
      perImage[i] = new ClassAreas(r.intersect(), r.union(), r.predicted(), r.label());
      assertThat(r.label()).hasSize(CLASSES);
    }
    double mIoU = SegmentationMetrics.evaluate(perImage, CLASSES).mIoU();
    assertThat(run.outcome().metrics().stream().filter(m -> m.name().equals("mIoU")).findFirst())
        .get()
        .satisfies(m -> assertThat(m.value()).isCloseTo(mIoU, within(1e-12)));
  }

  @Test
  void inRangeLabelsGiveNoWarning() {
    assertThat(SegmentationMetrics.outOfRangeLabelPixels(new int[] {0, 1, 255}, 2, 255, false))
        .isZero();
    // reduce_zero_label: 0 and 255 are ignored, 1..150 become 0..149, 151..254 are out of range
    assertThat(
            SegmentationMetrics.outOfRangeLabelPixels(
                new int[] {0, 1, 150, 151, 254, 255, 200}, 150, 255, true))
        .isEqualTo(3);
    assertThat(
            SegmentationMetrics.outOfRangeLabelPixels(
                new int[] {0, 149, 150, 254, 255}, 150, 255, false))
        .isEqualTo(2);
  }
}
