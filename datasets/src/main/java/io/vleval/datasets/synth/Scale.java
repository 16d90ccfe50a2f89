package io.vleval.datasets.synth;

/** How big a synthetic suite is; every part grows together. */
public enum Scale {
  TINY(8, 4, 40, 20, 120, 24, 40, 3, 2, 48, 30, 12),
  SMALL(24, 10, 120, 50, 400, 50, 100, 8, 8, 120, 100, 24),
  MEDIUM(80, 30, 400, 150, 1500, 200, 500, 24, 24, 400, 300, 60);

  final int classTrainPerClass;
  final int classValPerClass;
  final int segTrain;
  final int segVal;
  final int captionTrain;
  final int captionVal;
  final int captionTest;
  final int videoTrainPerClass;
  final int videoValPerClass;
  final int questions;
  final int xtdImages;
  final int msrvttClips;

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
    this.classTrainPerClass = classTrainPerClass;
    this.classValPerClass = classValPerClass;
    this.segTrain = segTrain;
    this.segVal = segVal;
    this.captionTrain = captionTrain;
    this.captionVal = captionVal;
    this.captionTest = captionTest;
    this.videoTrainPerClass = videoTrainPerClass;
    this.videoValPerClass = videoValPerClass;
    this.questions = questions;
    this.xtdImages = xtdImages;
    this.msrvttClips = msrvttClips;
  }
}
