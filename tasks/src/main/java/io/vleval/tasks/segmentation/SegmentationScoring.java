package io.vleval.tasks.segmentation;

import io.vleval.api.result.ConfidenceInterval;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.scoring.JsonFiles;
import io.vleval.tasks.metrics.scoring.ScoreInputException;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import io.vleval.tasks.metrics.scoring.Tables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * {@code vleval score segmentation}: mmsegmentation aAcc, mIoU, mAcc, mDice, mFscore, mPrecision,
 * mRecall and per-class IoU/Acc from two folders of PNG label maps.
 */
public final class SegmentationScoring {

  private SegmentationScoring() {}

  /**
   * @param predictionDir one PNG per image, named like its label file
   * @param labelDir ground-truth PNGs ({@code *.png}); every label file needs a prediction of the
   *     same name and size
   * @param numClasses number of classes (150 for ADE20K)
   * @param ignoreIndex label value to ignore (255)
   * @param reduceZeroLabel apply mmsegmentation's reduce_zero_label to labels (true for ADE20K)
   */
  public static ScoreTable score(
      Path predictionDir,
      Path labelDir,
      int numClasses,
      int ignoreIndex,
      boolean reduceZeroLabel,
      ScoreOptions options) {
    List<Path> labels = pngs(labelDir);
    if (labels.isEmpty()) {
      throw new ScoreInputException(labelDir, "folder", "no *.png label maps");
    }
    ClassAreas[] perImage = new ClassAreas[labels.size()];
    IntStream.range(0, labels.size())
        .parallel()
        .forEach(
            i -> {
              Path label = labels.get(i);
              Path prediction = predictionDir.resolve(label.getFileName().toString());
              if (!Files.isRegularFile(prediction)) {
                throw new ScoreInputException(
                    predictionDir,
                    "file " + label.getFileName(),
                    "missing prediction for label map " + label);
              }
              LabelMaps.LabelMap l = LabelMaps.read(label);
              LabelMaps.LabelMap p = LabelMaps.read(prediction);
              if (l.width() != p.width() || l.height() != p.height()) {
                throw new ScoreInputException(
                    prediction,
                    "whole file",
                    "size "
                        + p.width()
                        + "x"
                        + p.height()
                        + " differs from label map "
                        + label
                        + " ("
                        + l.width()
                        + "x"
                        + l.height()
                        + ")");
              }
              perImage[i] =
                  SegmentationMetrics.intersectAndUnion(
                      p.values(), l.values(), numClasses, ignoreIndex, reduceZeroLabel);
            });
    return score(perImage, numClasses, options);
  }

  /**
   * Scores per-image areas. Table: the summary (fractions, not x100) then {@code IoU.<class>} and
   * {@code Acc.<class>} per class index.
   */
  public static ScoreTable score(ClassAreas[] perImage, int numClasses, ScoreOptions options) {
    SegmentationScores s = SegmentationMetrics.evaluate(perImage, numClasses);
    List<String> names = new ArrayList<>(SegmentationScores.SUMMARY);
    List<Double> values = new ArrayList<>(s.summary().values());
    for (int c = 0; c < numClasses; c++) {
      names.add("IoU." + c);
      values.add(s.iou()[c]);
    }
    for (int c = 0; c < numClasses; c++) {
      names.add("Acc." + c);
      values.add(s.acc()[c]);
    }
    ConfidenceInterval[] intervals =
        options
            .bootstrap()
            .map(
                b -> {
                  ConfidenceInterval[] summary =
                      SegmentationMetrics.intervals(perImage, numClasses, b);
                  ConfidenceInterval[] perClass =
                      SegmentationMetrics.intervals(
                          perImage,
                          numClasses,
                          b,
                          r -> {
                            double[] out = new double[2 * numClasses];
                            System.arraycopy(r.iou(), 0, out, 0, numClasses);
                            System.arraycopy(r.acc(), 0, out, numClasses, numClasses);
                            return out;
                          });
                  ConfidenceInterval[] all =
                      new ConfidenceInterval[summary.length + perClass.length];
                  System.arraycopy(summary, 0, all, 0, summary.length);
                  System.arraycopy(perClass, 0, all, summary.length, perClass.length);
                  return all;
                })
            .orElse(null);
    return Tables.table(
        "segmentation",
        "image",
        perImage.length,
        names,
        values.stream().mapToDouble(Double::doubleValue).toArray(),
        intervals);
  }

  private static List<Path> pngs(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ScoreInputException(dir, "folder", "not a directory");
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new ScoreInputException(dir, "folder", "cannot list: " + JsonFiles.oneLine(e), e);
    }
  }
}
