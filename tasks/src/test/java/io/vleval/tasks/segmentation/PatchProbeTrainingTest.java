package io.vleval.tasks.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.VlevalException;
import io.vleval.api.model.DenseFeatureExtractor;
import io.vleval.api.model.DenseFeatures;
import io.vleval.api.sample.ImageSource;
import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.LabelMapSource;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.SegmentationPair;
import io.vleval.tasks.head.LinearHead;
import io.vleval.testkit.fake.ListDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The patch probe's head trained from its feature file, a mini-batch at a time, equals the head
 * trained with the same seed on the same labelled patch features held in memory (the recipe as it
 * was before its features went to disk): same losses, same logits, same predicted label maps; and
 * the feature file is gone once the head is trained, or when training fails.
 */
class PatchProbeTrainingTest {

  @TempDir Path dir;

  static final int CLASSES = 4;
  static final int CHANNELS = 6;
  static final int GRID_H = 5;
  static final int GRID_W = 7;

  /**
   * Dense features from the pixels: the colour of each patch's centre pixel plus seeded noise, so
   * that they carry the label (each image is drawn from its label map).
   */
  static final class Features implements DenseFeatureExtractor {
    @Override
    public int channels() {
      return CHANNELS;
    }

    @Override
    public int inputSize() {
      return 14;
    }

    @Override
    public List<DenseFeatures> extract(List<RgbImage> images) {
      List<DenseFeatures> out = new ArrayList<>();
      for (RgbImage image : images) {
        SplittableRandom noise = new SplittableRandom(image.rgb()[0] * 31L + image.width());
        float[] v = new float[GRID_H * GRID_W * CHANNELS];
        for (int gy = 0; gy < GRID_H; gy++) {
          for (int gx = 0; gx < GRID_W; gx++) {
            int x = (int) ((gx + 0.5) * image.width() / GRID_W);
            int y = (int) ((gy + 0.5) * image.height() / GRID_H);
            int p = (y * image.width() + x) * 3;
            int at = (gy * GRID_W + gx) * CHANNELS;
            for (int c = 0; c < CHANNELS; c++) {
              v[at + c] = (image.rgb()[p + c % 3] & 0xFF) / 64f + (float) noise.nextGaussian();
            }
          }
        }
        out.add(new DenseFeatures(GRID_H, GRID_W, CHANNELS, v));
      }
      return out;
    }
  }

  /**
   * Images whose colour follows the label (255 and 5 are not classes: no patch of theirs trains).
   */
  static ListDataset<SegmentationPair> pairs(int n, long seed, boolean unlabelled) {
    SplittableRandom r = new SplittableRandom(seed);
    List<SegmentationPair> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int w = 20 + r.nextInt(15);
      int h = 16 + r.nextInt(10);
      byte[] labels = new byte[w * h];
      byte[] rgb = new byte[w * h * 3];
      for (int k = 0; k < w * h; k++) {
        int draw = r.nextInt(12);
        int l = unlabelled ? 255 : draw < CLASSES * 2 ? draw / 2 : draw < 11 ? 255 : 5;
        labels[k] = (byte) l;
        rgb[k * 3] = (byte) (l == 255 ? r.nextInt(256) : l * 60 + r.nextInt(30));
        rgb[k * 3 + 1] = (byte) (l % 2 * 120 + r.nextInt(40));
        rgb[k * 3 + 2] = (byte) r.nextInt(256);
      }
      RgbImage image = new RgbImage(w, h, rgb);
      LabelMap map = new LabelMap(w, h, labels);
      String origin = "lbl" + i;
      out.add(
          new SegmentationPair(
              "img" + i,
              ImageSource.of(image, "img" + i),
              new LabelMapSource() {
                @Override
                public LabelMap load() {
                  return map;
                }

                @Override
                public String origin() {
                  return origin;
                }
              }));
    }
    return new ListDataset<>(SegmentationPair.class, out, List.of("a", "b", "c", "d"));
  }

  /** The labelled patches as the recipe collected them in memory before it wrote a file. */
  static LinearHead inMemory(
      List<SegmentationPair> pairs, DenseFeatureExtractor extractor, LinearHead.Settings s) {
    List<float[]> features = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (SegmentationPair pair : pairs) {
      LabelMap label = pair.labels().load();
      DenseFeatures f = extractor.extract(List.of(pair.image().load())).get(0);
      for (int gy = 0; gy < f.gridHeight(); gy++) {
        for (int gx = 0; gx < f.gridWidth(); gx++) {
          int x = Math.min(label.width() - 1, (int) ((gx + 0.5) * label.width() / f.gridWidth()));
          int y =
              Math.min(label.height() - 1, (int) ((gy + 0.5) * label.height() / f.gridHeight()));
          int l = label.at(x, y);
          if (l < CLASSES) {
            float[] v = new float[f.channels()];
            System.arraycopy(
                f.values(), (gy * f.gridWidth() + gx) * f.channels(), v, 0, f.channels());
            features.add(v);
            labels.add(l);
          }
        }
      }
    }
    return LinearHead.train(
        features.toArray(new float[0][]),
        labels.stream().mapToInt(Integer::intValue).toArray(),
        CLASSES,
        s);
  }

  private List<Path> scratchFiles() throws IOException {
    Path scratch = dir.resolve("patch-probe");
    if (!Files.exists(scratch)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(scratch)) {
      return files.toList();
    }
  }

  @Test
  void theHeadTrainedFromTheFileEqualsTheHeadTrainedInMemory() throws IOException {
    ListDataset<SegmentationPair> train = pairs(7, 11, false);
    List<SegmentationPair> all = new ArrayList<>();
    try (var cursor = train.samples()) {
      while (cursor.hasNext()) {
        all.add(cursor.next());
      }
    }
    ListDataset<SegmentationPair> eval = pairs(3, 12, false);
    Features extractor = new Features();
    // 7 images extracted 3 at a time (a last partial batch); head batches of 16 over the patches
    LinearHead.Settings s = new LinearHead.Settings(3, 16, 0.1, 1, 0.0, 5.0, 23);
    try (LinearHead expected = inMemory(all, extractor, s);
        LinearHead actual =
            PatchProbe.trainHead(train, extractor, CLASSES, 3, s, dir.resolve("patch-probe"))) {
      assertThat(actual.epochLosses()).hasSize(3).isEqualTo(expected.epochLosses());
      // the head learned, so equal heads are not two untouched initialisations
      assertThat(expected.epochLosses().get(2)).isLessThan(expected.epochLosses().get(0));
      try (var cursor = eval.samples()) {
        while (cursor.hasNext()) {
          SegmentationPair p = cursor.next();
          RgbImage image = p.image().load();
          LabelMap label = p.labels().load();
          DenseFeatures f = extractor.extract(List.of(image)).get(0);
          assertThat(PatchProbe.patchLogits(f, actual, CLASSES))
              .isDeepEqualTo(PatchProbe.patchLogits(f, expected, CLASSES));
          float[][] a = PatchProbe.whole(image, extractor, actual, CLASSES, label);
          float[][] b = PatchProbe.whole(image, extractor, expected, CLASSES, label);
          assertThat(LogitMaps.argmax(a, label.width() * label.height()))
              .containsExactly(LogitMaps.argmax(b, label.width() * label.height()));
        }
      }
    }
    assertThat(scratchFiles()).isEmpty();
  }

  @Test
  void aTrainingSetWithNoLabelledPatchIsNamedAndLeavesNoFile() throws IOException {
    ListDataset<SegmentationPair> train = pairs(2, 3, true);
    LinearHead.Settings s = new LinearHead.Settings(1, 16, 0.1, 1, 0.0, 5.0, 1);
    assertThatThrownBy(
            () ->
                PatchProbe.trainHead(
                    train, new Features(), CLASSES, 3, s, dir.resolve("patch-probe")))
        .isInstanceOf(VlevalException.class)
        .hasMessage(
            "semantic-segmentation: the training set memory has no labelled pixel (every label is"
                + " the ignore index)");
    assertThat(scratchFiles()).isEmpty();
  }
}
