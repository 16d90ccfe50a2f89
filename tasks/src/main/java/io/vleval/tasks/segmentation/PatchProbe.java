package io.vleval.tasks.segmentation;

import io.vleval.api.error.VlevalException;
import io.vleval.api.model.DenseFeatureExtractor;
import io.vleval.api.model.DenseFeatures;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.sample.SegmentationPair;
import io.vleval.tasks.features.FeatureFile;
import io.vleval.tasks.head.LinearHead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code patch-probe} recipe, a fast variant for CPU budgets: frozen dense patch features
 * (features of the model's squashed input), a BatchNorm + linear head trained with the linear-probe
 * recipe (SGD with Nesterov momentum, warm-up then cosine) on patch features labelled by the label
 * at each patch centre, no augmentation; inference {@code whole} (the image squashed to the model's
 * input) or {@code slide} (windows of the input size over the image resized, bilinearly on pixels,
 * so its short side is the input size, logits averaged where windows overlap).
 */
final class PatchProbe {
  private static final Logger LOG = LoggerFactory.getLogger(PatchProbe.class);

  private PatchProbe() {}

  /** Logits [class][pixel] at the label's resolution, the image squashed to the model's input. */
  static float[][] whole(
      RgbImage image,
      DenseFeatureExtractor extractor,
      LinearHead head,
      int classes,
      LabelMap label) {
    DenseFeatures f = extractor.extract(List.of(image)).get(0);
    return LogitMaps.bilinear(
        patchLogits(f, head, classes),
        f.gridHeight(),
        f.gridWidth(),
        label.height(),
        label.width());
  }

  static float[][] patchLogits(DenseFeatures f, LinearHead head, int classes) {
    int cells = f.gridHeight() * f.gridWidth();
    float[][] rows = new float[cells][f.channels()];
    for (int i = 0; i < cells; i++) {
      System.arraycopy(f.values(), i * f.channels(), rows[i], 0, f.channels());
    }
    float[][] logits = head.logits(rows);
    float[][] byClass = new float[classes][cells];
    for (int i = 0; i < cells; i++) {
      for (int c = 0; c < classes; c++) {
        byClass[c][i] = logits[i][c];
      }
    }
    return byClass;
  }

  /**
   * Sliding windows: the image is resized (bilinearly here, on pixels) so its short side is the
   * model's input size; windows of that size at the given stride cover it; each window's logits are
   * resized to the window and averaged where windows overlap; the result is resized to the label's
   * resolution.
   */
  static float[][] slide(
      RgbImage image,
      DenseFeatureExtractor extractor,
      LinearHead head,
      int classes,
      LabelMap label,
      double strideFraction) {
    int s = extractor.inputSize();
    double scale = (double) s / Math.min(image.width(), image.height());
    int w = Math.max(s, (int) Math.round(image.width() * scale));
    int h = Math.max(s, (int) Math.round(image.height() * scale));
    RgbImage resized = resize(image, w, h);
    int stride = Math.max(1, (int) Math.round(s * strideFraction));
    float[][] sum = new float[classes][w * h];
    int[] count = new int[w * h];
    for (int top : starts(h, s, stride)) {
      for (int left : starts(w, s, stride)) {
        RgbImage window = crop(resized, left, top, s, s);
        DenseFeatures f = extractor.extract(List.of(window)).get(0);
        float[][] logits =
            LogitMaps.bilinear(patchLogits(f, head, classes), f.gridHeight(), f.gridWidth(), s, s);
        for (int y = 0; y < s; y++) {
          for (int x = 0; x < s; x++) {
            int o = (top + y) * w + left + x;
            count[o]++;
            for (int c = 0; c < classes; c++) {
              sum[c][o] += logits[c][y * s + x];
            }
          }
        }
      }
    }
    for (int c = 0; c < classes; c++) {
      for (int i = 0; i < sum[c].length; i++) {
        sum[c][i] /= count[i];
      }
    }
    return LogitMaps.bilinear(sum, h, w, label.height(), label.width());
  }

  /** Window origins along one side: every stride, the last one flush with the end (as mmseg). */
  static List<Integer> starts(int length, int window, int stride) {
    List<Integer> out = new ArrayList<>();
    int grids = Math.max(length - window + stride - 1, 0) / stride + 1;
    for (int i = 0; i < grids; i++) {
      out.add(Math.max(Math.min(i * stride + window, length) - window, 0));
    }
    return out;
  }

  private static RgbImage crop(RgbImage image, int left, int top, int cw, int ch) {
    byte[] out = new byte[cw * ch * 3];
    for (int y = 0; y < ch; y++) {
      System.arraycopy(
          image.rgb(), ((top + y) * image.width() + left) * 3, out, y * cw * 3, cw * 3);
    }
    return new RgbImage(cw, ch, out);
  }

  private static RgbImage resize(RgbImage image, int w, int h) {
    float[][] channels = new float[3][image.width() * image.height()];
    for (int i = 0; i < image.width() * image.height(); i++) {
      for (int c = 0; c < 3; c++) {
        channels[c][i] = image.rgb()[i * 3 + c] & 0xFF;
      }
    }
    float[][] r = LogitMaps.bilinear(channels, image.height(), image.width(), h, w);
    byte[] out = new byte[w * h * 3];
    for (int i = 0; i < w * h; i++) {
      for (int c = 0; c < 3; c++) {
        out[i * 3 + c] = (byte) Math.max(0, Math.min(255, Math.round(r[c][i])));
      }
    }
    return new RgbImage(w, h, out);
  }

  /**
   * Trains the head on every labelled patch of {@code train}: the patch features are written, a
   * batch of images at a time, to a feature file in {@code scratch} (deleted once the head is
   * trained), and the head reads its mini-batches from that file, so the heap holds one batch of
   * images' features and two ints per labelled patch (its label and its place in the head's
   * shuffle), never the training set's features. The head equals the one trained on the same rows
   * in memory.
   */
  static LinearHead trainHead(
      Dataset<?> train,
      DenseFeatureExtractor extractor,
      int classes,
      int batchSize,
      LinearHead.Settings settings,
      Path scratch) {
    Path file;
    try {
      Files.createDirectories(scratch);
      file = Files.createTempFile(scratch, "patch-probe-", ".f32");
    } catch (IOException e) {
      throw new VlevalException(
          scratch + ": cannot create the patch probe's feature file: " + e.getMessage(), e);
    }
    LinearHead head;
    try {
      writeFeatures(train, extractor, classes, batchSize, file);
      try (FeatureFile features = FeatureFile.open(file)) {
        int[] labels = new int[features.size()];
        for (int i = 0; i < labels.length; i++) {
          labels[i] = features.label(i);
        }
        head = LinearHead.train(features, labels, classes, settings);
      }
    } catch (RuntimeException e) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    try {
      Files.delete(file);
    } catch (IOException e) {
      // the head is trained; a leftover scratch file costs disk, not the run
      LOG.warn("cannot delete the patch probe's feature file {}: {}", file, e.getMessage());
    }
    return head;
  }

  /** Writes the feature and label of every labelled patch of {@code train} to {@code file}. */
  private static void writeFeatures(
      Dataset<?> train, DenseFeatureExtractor extractor, int classes, int batchSize, Path file) {
    try (FeatureFile.Writer out = FeatureFile.Writer.withoutIds(file);
        SampleCursor<?> cursor = train.samples()) {
      List<SegmentationPair> batch = new ArrayList<>();
      while (cursor.hasNext()) {
        batch.add((SegmentationPair) cursor.next());
        if (batch.size() == batchSize || !cursor.hasNext()) {
          List<RgbImage> images = new ArrayList<>();
          for (SegmentationPair p : batch) {
            images.add(p.image().load());
          }
          List<DenseFeatures> dense = extractor.extract(images);
          for (int b = 0; b < batch.size(); b++) {
            LabelMap label = batch.get(b).labels().load();
            DenseFeatures f = dense.get(b);
            float[] v = new float[f.channels()];
            for (int gy = 0; gy < f.gridHeight(); gy++) {
              for (int gx = 0; gx < f.gridWidth(); gx++) {
                // the label at the patch's centre, in label coordinates
                int x =
                    Math.min(label.width() - 1, (int) ((gx + 0.5) * label.width() / f.gridWidth()));
                int y =
                    Math.min(
                        label.height() - 1, (int) ((gy + 0.5) * label.height() / f.gridHeight()));
                int l = label.at(x, y);
                if (l < classes) {
                  System.arraycopy(
                      f.values(), (gy * f.gridWidth() + gx) * f.channels(), v, 0, f.channels());
                  out.add(l, v);
                }
              }
            }
          }
          batch.clear();
        }
      }
      if (out.rows() == 0) {
        throw new VlevalException(
            "semantic-segmentation: the training set "
                + train.info().location()
                + " has no labelled pixel (every label is the ignore index)");
      }
      out.commit();
    }
  }
}
