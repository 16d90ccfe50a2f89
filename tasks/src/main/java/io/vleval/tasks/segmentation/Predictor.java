package io.vleval.tasks.segmentation;

import io.vleval.api.model.DenseFeatureExtractor;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.task.TaskContext;
import io.vleval.tasks.head.LinearHead;

/**
 * A trained head ready to label images; it trains on its first use, so that a resumed run whose
 * samples are all recorded never trains.
 */
interface Predictor extends AutoCloseable {

  /** The class of every pixel of {@code label}'s grid. */
  int[] predict(RgbImage image, LabelMap label);

  @Override
  void close();

  /** The training split, which the planner has checked exists. */
  static Dataset<?> training(TaskContext context) {
    return context
        .training()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "semantic-segmentation needs a training dataset; the planner checks it"));
  }

  /** The patch-probe recipe. */
  static Predictor patchProbe(
      SegmentationProvider.Spec spec, Model model, TaskContext context, int classes) {
    DenseFeatureExtractor extractor = model.require(DenseFeatureExtractor.class);
    return new Predictor() {
      private LinearHead head;

      @Override
      public int[] predict(RgbImage image, LabelMap label) {
        if (head == null) {
          head =
              PatchProbe.trainHead(
                  training(context),
                  extractor,
                  classes,
                  context.batchSize(),
                  new LinearHead.Settings(
                      spec.epochs(),
                      spec.batchSize(),
                      spec.learningRate(),
                      1,
                      0.0,
                      5.0,
                      context.seed()),
                  context.cacheDirectory().resolve("patch-probe"));
        }
        float[][] logits =
            spec.mode() == SegmentationProvider.Mode.WHOLE
                ? PatchProbe.whole(image, extractor, head, classes, label)
                : PatchProbe.slide(image, extractor, head, classes, label, spec.strideFraction());
        return LogitMaps.argmax(logits, label.width() * label.height());
      }

      @Override
      public void close() {
        if (head != null) {
          head.close();
        }
      }
    };
  }
}
