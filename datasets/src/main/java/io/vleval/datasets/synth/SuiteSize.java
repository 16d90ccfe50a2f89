package io.vleval.datasets.synth;

/**
 * How many images (clips, questions) each part of a synthetic suite holds: the sizes behind a
 * {@link Scale}, or any other, so that a test can write a reduced copy of a large suite.
 *
 * @param name what {@code suite.json} calls this size ("large", "large/1000")
 * @param classTrainPerClass classification training images per class (12 classes)
 * @param classValPerClass classification validation images per class
 * @param segTrain segmentation training scenes
 * @param segVal segmentation validation scenes
 * @param captionTrain captioned images in the Karpathy train split
 * @param captionVal captioned images in the Karpathy val split
 * @param captionTest captioned images in the Karpathy test split
 * @param videoTrainPerClass Kinetics-style training clips per class (6 classes)
 * @param videoValPerClass Kinetics-style validation clips per class
 * @param questions MMBench questions (each written with its circular variants)
 * @param xtdImages XTD images, one caption each per language
 * @param msrvttClips MSR-VTT clips, at most 72 (every clip a distinct object and motion)
 */
public record SuiteSize(
    String name,
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

  /** Distinct (colour, shape, motion) objects that MSR-VTT clips can show. */
  static final int MSRVTT_KINDS =
      Colour.values().length * Shape.values().length * Motion.values().length;

  public SuiteSize {
    int[] counts = {
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
      msrvttClips
    };
    for (int c : counts) {
      if (c < 1) {
        throw new IllegalArgumentException("every part of a suite needs at least 1 item, got " + c);
      }
    }
    if (msrvttClips > MSRVTT_KINDS) {
      throw new IllegalArgumentException(
          "at most "
              + MSRVTT_KINDS
              + " MSR-VTT clips (one per object and motion), got "
              + msrvttClips);
    }
  }

  /** This size with every count divided by {@code divisor} (at least 1 of each). */
  public SuiteSize dividedBy(int divisor) {
    if (divisor < 1) {
      throw new IllegalArgumentException("divisor must be at least 1, got " + divisor);
    }
    return new SuiteSize(
        name + "/" + divisor,
        part(classTrainPerClass, divisor),
        part(classValPerClass, divisor),
        part(segTrain, divisor),
        part(segVal, divisor),
        part(captionTrain, divisor),
        part(captionVal, divisor),
        part(captionTest, divisor),
        part(videoTrainPerClass, divisor),
        part(videoValPerClass, divisor),
        part(questions, divisor),
        part(xtdImages, divisor),
        part(msrvttClips, divisor));
  }

  /**
   * Images, segmentation scenes (an image and its label map), clips and questions in the suite:
   * what a progress line counts.
   */
  public long images() {
    int classes = Colour.values().length * Shape.values().length;
    return (long) classes * (classTrainPerClass + classValPerClass)
        + segTrain
        + segVal
        + captionTrain
        + captionVal
        + captionTest
        + (long) SyntheticSuite.VIDEO_CLASSES.size() * (videoTrainPerClass + videoValPerClass)
        + questions
        + xtdImages
        + msrvttClips
        + (long) VqaParts.LAYOUTS * VqaParts.perLayout(questions);
  }

  private static int part(int count, int divisor) {
    return Math.max(1, count / divisor);
  }
}
