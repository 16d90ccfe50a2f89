package io.vleval.datasets.synth;

import java.util.Locale;

/** How big a synthetic suite is; every part grows together. */
public enum Scale {
  TINY(8, 4, 40, 20, 120, 24, 40, 3, 2, 48, 30, 12),
  SMALL(24, 10, 120, 50, 400, 50, 100, 8, 8, 120, 100, 24),
  MEDIUM(80, 30, 400, 150, 1500, 200, 500, 24, 24, 400, 300, 60),
  /**
   * A suite to measure the harness at scale: 100,008 classification training images (ImageNet's
   * folder layout), Karpathy val and test splits of 5,000 images each as COCO's, 4,000 MMBench
   * questions (the dev set has 4,377) and 1,000 XTD images as XTD has; the video and MSR-VTT parts
   * stay at the medium size.
   */
  LARGE(8334, 500, 2000, 500, 20000, 5000, 5000, 24, 24, 4000, 1000, 60);

  private final SuiteSize size;

  Scale(
      int classTrainPerClass,
      int classValPerClass,
      int segTrain,
      int segVal,
      int captionTrain,
      int captionVal,
      int captionTest,
      int videoTrainPerClass,
      int videoValPerClass,
      int questions,
      int xtdImages,
      int msrvttClips) {
    this.size =
        new SuiteSize(
            name().toLowerCase(Locale.ROOT),
            classTrainPerClass,
            classValPerClass,
            segTrain,
            segVal,
            captionTrain,
            captionVal,
            captionTest,
            videoTrainPerClass,
            videoValPerClass,
            questions,
            xtdImages,
            msrvttClips);
  }

  /** The number of images of each part. */
  public SuiteSize size() {
    return size;
  }
}
