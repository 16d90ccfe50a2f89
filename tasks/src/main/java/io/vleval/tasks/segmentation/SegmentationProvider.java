package io.vleval.tasks.segmentation;

import io.vleval.api.error.VlevalException;
import io.vleval.api.model.Capability;
import io.vleval.api.model.DenseFeatureExtractor;
import io.vleval.api.model.DenseFeatures;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.MetricValue;
import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.sample.SegmentationPair;
import io.vleval.api.spec.Doc;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskContext;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.tasks.head.LinearHead;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import io.vleval.tasks.metrics.scoring.SegmentationScoring;
import io.vleval.tasks.metrics.segmentation.ClassAreas;
import io.vleval.tasks.metrics.segmentation.SegmentationMetrics;
import io.vleval.tasks.outcome.Outcomes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Semantic segmentation in the paper's linear-probing setting: frozen dense patch features, a
 * BatchNorm + linear head (the 1x1-conv FCN head of the reference) trained on the training split,
 * per-patch logits bilinearly resized to the label's resolution (align_corners=False), argmax, then
 * mmsegmentation's per-class areas accumulated over the split: aAcc, mIoU, mAcc and per-class
 * IoU/Acc. Inference is {@code whole} (the image squashed to the model's input) or {@code slide}
 * (the reference's test mode: windows of the input size over the image resized so its short side is
 * the input size, stride 2/3 of it by default, logits averaged where windows overlap).
 *
 * <p>Differences from the reference, for CPU budgets: the head is trained with the linear-probe
 * recipe (SGD, Nesterov) on patch features labelled by the label at each patch centre, rather than
 * with AdamW for 80k iterations on upsampled logits; no training augmentation.
 */
public final class SegmentationProvider implements TaskProvider<SegmentationProvider.Spec> {

  /** Inference modes. */
  public enum Mode {
    WHOLE,
    SLIDE
  }

  /** Protocol settings. */
  public record Spec(
      @Doc("whole (default) or slide") Mode mode,
      @Doc(
              "slide stride as a fraction of the window (default 0.639, i.e. 322/504 as the reference)")
          Double strideFraction,
      @Doc("head training epochs (default 20)") Integer epochs,
      @Doc("head batch size in patches (default 1024)") Integer batchSize,
      @Doc("head peak learning rate (default 0.1)") Double learningRate,
      @Doc("bootstrap resamples over images (default 1000; 0 for none)") Integer resamples) {
    public Spec {
      mode = mode == null ? Mode.WHOLE : mode;
      strideFraction = strideFraction == null ? 322.0 / 504 : strideFraction;
      epochs = epochs == null ? 20 : epochs;
      batchSize = batchSize == null ? 1024 : batchSize;
      learningRate = learningRate == null ? 0.1 : learningRate;
      resamples = resamples == null ? 1000 : resamples;
      if (strideFraction <= 0 || strideFraction > 1) {
        throw new IllegalArgumentException(
            "stride_fraction must be in (0, 1], got " + strideFraction);
      }
    }
  }

  /**
   * One image's per-class areas (enough to recompute every metric).
   *
   * @param outOfRangeLabels label pixels whose value is neither a class nor the ignore index (255);
   *     as in mmsegmentation they count for no class's label area, while their predictions count
   */
  public record Areas(
      String sampleId,
      long[] intersect,
      long[] union,
      long[] predicted,
      long[] label,
      double pixelAccuracy,
      long outOfRangeLabels)
      implements SampleRecord {}

  @Override
  public String type() {
    return "semantic-segmentation";
  }

  @Override
  public String description() {
    return "semantic segmentation, linear probe on dense features (mmsegmentation metrics: aAcc, mIoU, mAcc)";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType() {
    return SegmentationPair.class;
  }

  @Override
  public Set<Class<? extends Capability>> requiredCapabilities(Spec spec) {
    return Set.of(DenseFeatureExtractor.class);
  }

  @Override
  public boolean needsTrainingData(Spec spec) {
    return true;
  }

  @Override
  public Task<SegmentationPair, Areas> create(Spec spec) {
    return Task.of(
        "1",
        SegmentationPair.class,
        Areas.class,
        (model, context) -> {
          DenseFeatureExtractor extractor = model.require(DenseFeatureExtractor.class);
          int classes = context.evaluation().classNames().size();
          Dataset<?> train =
              context
                  .training()
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              "semantic-segmentation needs a training dataset; the planner checks it"));
          LinearHead head = trainHead(train, extractor, classes, spec, context);
          return TaskSession.<SegmentationPair, Areas>of(
              batch -> {
                List<Areas> out = new ArrayList<>();
                for (SegmentationPair pair : batch) {
                  RgbImage image = pair.image().load();
                  LabelMap label = pair.labels().load();
                  float[][] logits =
                      spec.mode() == Mode.WHOLE
                          ? whole(image, extractor, head, classes, label)
                          : slide(image, extractor, head, classes, label, spec.strideFraction());
                  int[] pred = LogitMaps.argmax(logits, label.width() * label.height());
                  int[] gt = new int[pred.length];
                  for (int i = 0; i < gt.length; i++) {
                    gt[i] = label.values()[i] & 0xFF;
                  }
                  // labels arrive already reduced by the loader (reduce_zero_label is a dataset
                  // setting)
                  ClassAreas a =
                      SegmentationMetrics.intersectAndUnion(
                          pred, gt, classes, SegmentationMetrics.IGNORE_INDEX, false);
                  long hit = 0;
                  long all = 0;
                  for (int c = 0; c < classes; c++) {
                    hit += a.intersect()[c];
                    all += a.label()[c];
                  }
                  out.add(
                      new Areas(
                          pair.id(),
                          a.intersect(),
                          a.union(),
                          a.predLabel(),
                          a.label(),
                          all == 0 ? Double.NaN : (double) hit / all,
                          SegmentationMetrics.outOfRangeLabelPixels(
                              gt, classes, SegmentationMetrics.IGNORE_INDEX, false)));
                }
                return out;
              },
              records -> {
                ClassAreas[] perImage = new ClassAreas[records.size()];
                for (int i = 0; i < perImage.length; i++) {
                  Areas r = records.get(i);
                  perImage[i] = new ClassAreas(r.intersect(), r.union(), r.predicted(), r.label());
                }
                ScoreOptions options =
                    spec.resamples() == 0
                        ? ScoreOptions.NO_INTERVALS
                        : new ScoreOptions(spec.resamples(), context.seed(), 0.95);
                ScoreTable table = SegmentationScoring.score(perImage, classes, options);
                List<MetricValue> metrics =
                    Outcomes.metrics(table, name -> !name.contains("."), "");
                List<CategoryBreakdown> categories = new ArrayList<>();
                List<String> names = context.evaluation().classNames();
                ClassAreas total = ClassAreas.sum(perImage, null, classes);
                for (int c = 0; c < classes; c++) {
                  int cls = c;
                  List<MetricValue> perClass =
                      Outcomes.metrics(
                          table,
                          name -> name.equals("IoU." + cls) || name.equals("Acc." + cls),
                          "");
                  categories.add(new CategoryBreakdown(names.get(c), total.label()[c], perClass));
                }
                return new TaskOutcome(
                    "mIoU", metrics, categories, outOfRangeWarning(records, classes));
              },
              () -> head.close());
        });
  }

  /**
   * The warning for label values outside the classes, or none: how many images and pixels hold them
   * (mmsegmentation's arithmetic is kept, so they lower the IoU of the classes predicted there).
   */
  static List<String> outOfRangeWarning(List<Areas> records, int classes) {
    long images = 0;
    long pixels = 0;
    for (Areas r : records) {
      if (r.outOfRangeLabels() > 0) {
        images++;
        pixels += r.outOfRangeLabels();
      }
    }
    if (images == 0) {
      return List.of();
    }
    return List.of(
        images
            + " of "
            + records.size()
            + " label maps hold values outside the classes [0, "
            + classes
            + ") other than the ignore index "
            + SegmentationMetrics.IGNORE_INDEX
            + " ("
            + pixels
            + " pixels); as in mmsegmentation they count for no class, but their predictions"
            + " still do, which lowers those classes' IoU; check the label maps and the"
            + " dataset's num_classes and reduce_zero_label");
  }

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

  private static LinearHead trainHead(
      Dataset<?> train,
      DenseFeatureExtractor extractor,
      int classes,
      Spec spec,
      TaskContext context) {
    List<float[]> features = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    List<SegmentationPair> batch = new ArrayList<>();
    try (SampleCursor<?> cursor = train.samples()) {
      while (cursor.hasNext()) {
        batch.add((SegmentationPair) cursor.next());
        if (batch.size() == context.batchSize() || !cursor.hasNext()) {
          List<RgbImage> images = new ArrayList<>();
          for (SegmentationPair p : batch) {
            images.add(p.image().load());
          }
          List<DenseFeatures> dense = extractor.extract(images);
          for (int b = 0; b < batch.size(); b++) {
            LabelMap label = batch.get(b).labels().load();
            DenseFeatures f = dense.get(b);
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
                  float[] v = new float[f.channels()];
                  System.arraycopy(
                      f.values(), (gy * f.gridWidth() + gx) * f.channels(), v, 0, f.channels());
                  features.add(v);
                  labels.add(l);
                }
              }
            }
          }
          batch.clear();
        }
      }
    }
    if (features.isEmpty()) {
      throw new VlevalException(
          "the segmentation training split has no labelled pixel "
              + "(every label is the ignore index)");
    }
    return LinearHead.train(
        features.toArray(new float[0][]),
        labels.stream().mapToInt(Integer::intValue).toArray(),
        classes,
        new LinearHead.Settings(
            spec.epochs(), spec.batchSize(), spec.learningRate(), 1, 0.0, 5.0, context.seed()));
  }
}
