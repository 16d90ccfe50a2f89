package io.vleval.tasks.segmentation;

import io.vleval.api.result.ConfidenceInterval;
import io.vleval.tasks.metrics.bootstrap.Bootstrap;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Semantic segmentation metrics as mmsegmentation 1.x's {@code IoUMetric} computes them.
 *
 * <p>Per image ({@code intersect_and_union}): if {@code reduceZeroLabel}, the label map alone is
 * transformed 0 &rarr; 255, l &rarr; l - 1, 254 &rarr; 255; pixels whose label equals {@code
 * ignoreIndex} are dropped from both maps; per class c in [0, C): intersect<sub>c</sub> = #{pred =
 * label = c}, pred<sub>c</sub> = #{pred = c}, label<sub>c</sub> = #{label = c}, union<sub>c</sub> =
 * pred<sub>c</sub> + label<sub>c</sub> - intersect<sub>c</sub>; values outside [0, C) fall in no
 * bin (their pixel still counts for the other map). Areas are summed over the dataset, then ({@code
 * total_area_to_metrics}): IoU = I/U, Acc = Recall = I/L, Dice = 2I/(P+L), Precision = I/P, F =
 * 2&middot;Pr&middot;Re/(Pr+Re), aAcc = &Sigma;I/&Sigma;L; each mean skips NaN classes (nanmean).
 * Computed in float64; reproduces {@code fixtures/metrics/segmentation.json} ({@code
 * per_class_float64} to 1e-12, the float32 reference to 1e-6).
 */
public final class SegmentationMetrics {

  /** mmsegmentation's default ignore index. */
  public static final int IGNORE_INDEX = 255;

  private SegmentationMetrics() {}

  /**
   * Areas of one image.
   *
   * @param prediction predicted class per pixel
   * @param label ground-truth value per pixel (same length), before the reduce-zero-label step
   */
  public static ClassAreas intersectAndUnion(
      int[] prediction, int[] label, int numClasses, int ignoreIndex, boolean reduceZeroLabel) {
    if (prediction.length != label.length) {
      throw new IllegalArgumentException(
          "prediction has " + prediction.length + " pixels but label has " + label.length);
    }
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
    }
    // one joint histogram of (label bin, prediction bin), with bin numClasses for out-of-range
    // values: a single
    // increment per pixel; the areas are its diagonal, column and row sums
    int stride = numClasses + 1;
    int[] joint = new int[stride * stride];
    for (int i = 0; i < prediction.length; i++) {
      int l = label[i];
      if (reduceZeroLabel) {
        l = (l == 0 || l == 255) ? 255 : l - 1;
      }
      if (l == ignoreIndex) {
        continue;
      }
      int p = prediction[i];
      int lBin = Integer.compareUnsigned(l, numClasses) < 0 ? l : numClasses;
      int pBin = Integer.compareUnsigned(p, numClasses) < 0 ? p : numClasses;
      joint[lBin * stride + pBin]++;
    }
    long[] intersect = new long[numClasses];
    long[] predArea = new long[numClasses];
    long[] labelArea = new long[numClasses];
    for (int lBin = 0; lBin < stride; lBin++) {
      for (int pBin = 0; pBin < stride; pBin++) {
        int count = joint[lBin * stride + pBin];
        if (pBin < numClasses) {
          predArea[pBin] += count;
        }
        if (lBin < numClasses) {
          labelArea[lBin] += count;
          if (lBin == pBin) {
            intersect[lBin] += count;
          }
        }
      }
    }
    long[] union = new long[numClasses];
    for (int c = 0; c < numClasses; c++) {
      union[c] = predArea[c] + labelArea[c] - intersect[c];
    }
    return new ClassAreas(intersect, union, predArea, labelArea);
  }

  /**
   * Label pixels that {@link #intersectAndUnion} leaves out of every class: those whose value
   * (after the reduce-zero-label step) is neither the ignore index nor in [0, C). As in
   * mmsegmentation ({@code torch.histc} over [0, C - 1]), such a pixel counts for no label area,
   * while its prediction still counts for the predicted class's area and union, which lowers that
   * class's IoU: a label map with such values is usually corrupt, or read with the wrong {@code
   * num_classes} or {@code reduce_zero_label}.
   *
   * @param label ground-truth value per pixel, before the reduce-zero-label step
   */
  public static long outOfRangeLabelPixels(
      int[] label, int numClasses, int ignoreIndex, boolean reduceZeroLabel) {
    long count = 0;
    for (int value : label) {
      int l = value;
      if (reduceZeroLabel) {
        l = (l == 0 || l == 255) ? 255 : l - 1;
      }
      if (l != ignoreIndex && Integer.compareUnsigned(l, numClasses) >= 0) {
        count++;
      }
    }
    return count;
  }

  /** Per-image areas of a dataset, computed in parallel over images. */
  public static ClassAreas[] perImageAreas(
      List<int[]> predictions,
      List<int[]> labels,
      int numClasses,
      int ignoreIndex,
      boolean reduceZeroLabel) {
    if (predictions.size() != labels.size()) {
      throw new IllegalArgumentException(
          predictions.size() + " prediction maps but " + labels.size() + " label maps");
    }
    ClassAreas[] out = new ClassAreas[predictions.size()];
    IntStream.range(0, out.length)
        .parallel()
        .forEach(
            i ->
                out[i] =
                    intersectAndUnion(
                        predictions.get(i),
                        labels.get(i),
                        numClasses,
                        ignoreIndex,
                        reduceZeroLabel));
    return out;
  }

  /** Metrics of a dataset from per-image areas (summed first, never averaged per image). */
  public static SegmentationScores evaluate(ClassAreas[] perImage, int numClasses) {
    return fromAreas(ClassAreas.sum(perImage, null, numClasses));
  }

  /** Metrics from summed areas ({@code total_area_to_metrics}). */
  public static SegmentationScores fromAreas(ClassAreas total) {
    int n = total.numClasses();
    double[] iou = new double[n];
    double[] acc = new double[n];
    double[] dice = new double[n];
    double[] precision = new double[n];
    double[] recall = new double[n];
    double[] fscore = new double[n];
    long sumIntersect = 0;
    long sumLabel = 0;
    for (int c = 0; c < n; c++) {
      double i = total.intersect()[c];
      iou[c] = i / total.union()[c];
      acc[c] = i / total.label()[c];
      dice[c] = 2 * i / (total.predLabel()[c] + total.label()[c]);
      precision[c] = i / total.predLabel()[c];
      recall[c] = acc[c];
      fscore[c] = (1 + 1) * (precision[c] * recall[c]) / (precision[c] + recall[c]);
      sumIntersect += total.intersect()[c];
      sumLabel += total.label()[c];
    }
    double aAcc = (double) sumIntersect / sumLabel;
    return new SegmentationScores(total, iou, acc, dice, precision, recall, fscore, aAcc);
  }

  /**
   * Bootstrap intervals resampling images, in {@link SegmentationScores#SUMMARY} order; each
   * resample re-sums the per-image areas.
   */
  public static ConfidenceInterval[] intervals(
      ClassAreas[] perImage, int numClasses, Bootstrap bootstrap) {
    return intervals(
        perImage,
        numClasses,
        bootstrap,
        s -> s.summary().values().stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * Bootstrap intervals resampling images for any metrics read from the re-summed scores (the
   * summary, per-class values...). BCa, with the exact jackknife in linear time: the dataset's
   * areas minus one image's. Where BCa excludes its own estimate, as for class-wise means over a
   * few images whose resamples lose classes, the interval is the jackknife normal interval (see
   * {@link Bootstrap}).
   */
  public static ConfidenceInterval[] intervals(
      ClassAreas[] perImage,
      int numClasses,
      Bootstrap bootstrap,
      Function<SegmentationScores, double[]> metrics) {
    ClassAreas total = ClassAreas.sum(perImage, null, numClasses);
    return bootstrap.intervals(
        perImage.length,
        units -> metrics.apply(fromAreas(ClassAreas.sum(perImage, units, numClasses))),
        unit -> metrics.apply(fromAreas(total.minus(perImage[unit]))));
  }

  /** Mean of the non-NaN values ({@code numpy.nanmean}); NaN when all are NaN. */
  public static double nanMean(double[] values) {
    double sum = 0;
    int n = 0;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }
}
