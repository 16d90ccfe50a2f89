package io.vleval.tasks.segmentation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dataset-level segmentation metrics in float64, computed from summed areas.
 *
 * @param areas the summed per-class areas
 * @param iou per class intersect/union (NaN when union is 0)
 * @param acc per class intersect/label (NaN when label is 0); equals recall
 * @param dice per class 2&middot;intersect/(pred + label)
 * @param precision per class intersect/pred
 * @param recall per class intersect/label
 * @param fscore per class 2&middot;P&middot;R/(P + R) (NaN when P and R are both 0 or undefined)
 * @param aAcc &Sigma; intersect / &Sigma; label over all classes
 */
public record SegmentationScores(
    ClassAreas areas,
    double[] iou,
    double[] acc,
    double[] dice,
    double[] precision,
    double[] recall,
    double[] fscore,
    double aAcc) {

  /**
   * Summary names in mmsegmentation's order; values are fractions (mmsegmentation reports them
   * x100, rounded).
   */
  public static final List<String> SUMMARY =
      List.of("aAcc", "mIoU", "mAcc", "mDice", "mFscore", "mPrecision", "mRecall");

  public double mIoU() {
    return SegmentationMetrics.nanMean(iou);
  }

  public double mAcc() {
    return SegmentationMetrics.nanMean(acc);
  }

  public double mDice() {
    return SegmentationMetrics.nanMean(dice);
  }

  public double mFscore() {
    return SegmentationMetrics.nanMean(fscore);
  }

  public double mPrecision() {
    return SegmentationMetrics.nanMean(precision);
  }

  public double mRecall() {
    return SegmentationMetrics.nanMean(recall);
  }

  /** aAcc and the class means, keyed as in {@link #SUMMARY}, as fractions in [0, 1]. */
  public Map<String, Double> summary() {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("aAcc", aAcc);
    out.put("mIoU", mIoU());
    out.put("mAcc", mAcc());
    out.put("mDice", mDice());
    out.put("mFscore", mFscore());
    out.put("mPrecision", mPrecision());
    out.put("mRecall", mRecall());
    return out;
  }
}
