package io.vleval.tasks.segmentation;

import ai.djl.ndarray.NDManager;
import io.vleval.api.error.VlevalException;
import io.vleval.api.model.BlockFeatureExtractor;
import io.vleval.api.model.Model;
import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.sample.SegmentationPair;
import io.vleval.api.task.TaskContext;
import io.vleval.tasks.segmentation.decode.BlockMaps;
import io.vleval.tasks.segmentation.decode.DecodeHead;
import io.vleval.tasks.segmentation.decode.HeadTrainer;
import io.vleval.tasks.segmentation.decode.LinearDecodeHead;
import io.vleval.tasks.segmentation.decode.SlideInference;
import io.vleval.tasks.segmentation.decode.UperNetDecodeHead;
import io.vleval.tasks.segmentation.pipeline.TrainTransform;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The reference recipe on one model: the head, its training and the sliding-window inference, all
 * settings from the spec.
 */
final class ReferenceProtocol {
  private ReferenceProtocol() {}

  static Predictor predictor(
      SegmentationProvider.Spec spec, Model model, TaskContext context, int classes) {
    BlockFeatureExtractor extractor = model.require(BlockFeatureExtractor.class);
    BlockMaps maps = BlockMaps.frozen(extractor);
    SegmentationProvider.FewShot few = spec.fewShot();
    int crop = spec.crop(extractor.patchSize());
    List<Integer> scale = spec.scale(crop);
    SlideInference inference =
        new SlideInference(
            crop,
            spec.stride(crop),
            scale.get(0),
            scale.get(1),
            few == null || few.divisor() == 1,
            extractor.patchSize(),
            Math.max(1, context.batchSize()));
    return new Predictor() {
      private NDManager manager;
      private DecodeHead head;

      @Override
      public int[] predict(RgbImage image, LabelMap label) {
        if (head == null) {
          manager = NDManager.newBaseManager();
          head = train(spec, extractor, maps, context, classes, manager);
        }
        return inference.predict(image, label.width(), label.height(), head, maps, manager);
      }

      @Override
      public void close() {
        if (manager != null) {
          manager.close();
        }
      }
    };
  }

  private static DecodeHead train(
      SegmentationProvider.Spec spec,
      BlockFeatureExtractor extractor,
      BlockMaps maps,
      TaskContext context,
      int classes,
      NDManager manager) {
    int depth = extractor.depth();
    List<Integer> blocks = spec.headBlocks(depth);
    for (int b : blocks) {
      if (b < 0 || b >= depth) {
        throw new VlevalException(
            "semantic-segmentation reads block "
                + b
                + ", but the model's backbone has "
                + depth
                + " blocks; allowed 0 to "
                + (depth - 1));
      }
    }
    int crop = spec.crop(extractor.patchSize());
    if (crop % extractor.patchSize() != 0) {
      throw new VlevalException(
          "semantic-segmentation's crop_size "
              + crop
              + " is not a multiple of the model's "
              + extractor.patchSize()
              + " px patch");
    }
    DecodeHead head =
        spec.head() == SegmentationProvider.Head.LINEAR
            ? new LinearDecodeHead(
                manager, extractor.channels(), classes, blocks.get(0), context.seed())
            : new UperNetDecodeHead(
                manager,
                extractor.channels(),
                spec.headChannels(),
                classes,
                blocks,
                context.seed());
    // the run's seed, so that every model of the run trains on the same share
    List<SegmentationPair> pairs =
        subset(trainingPairs(context), spec.fewShot(), context.runSeed());
    List<Integer> scale = spec.scale(crop);
    TrainTransform transform =
        new TrainTransform(scale.get(0), scale.get(1), 0.5, 2.0, crop, 0.75, 0.5, true);
    HeadTrainer.train(
        head,
        pairs,
        transform,
        maps,
        classes,
        new HeadTrainer.Settings(
            spec.iterations(),
            spec.batchSize(),
            spec.learningRate(),
            spec.weightDecay(),
            spec.warmupIterations(),
            context.seed()),
        manager);
    return head;
  }

  private static List<SegmentationPair> trainingPairs(TaskContext context) {
    List<SegmentationPair> pairs = new ArrayList<>();
    try (SampleCursor<?> cursor = Predictor.training(context).samples()) {
      while (cursor.hasNext()) {
        pairs.add((SegmentationPair) cursor.next());
      }
    }
    if (pairs.isEmpty()) {
      throw new VlevalException("the segmentation training split has no image");
    }
    return pairs;
  }

  /**
   * The few-shot subset: the training set shuffled with the run's seed, then its first {@code n /
   * divisor} images (the reference shuffles and keeps {@code 20210 // divisor} of ADE20K's 20,210).
   */
  static List<SegmentationPair> subset(
      List<SegmentationPair> pairs, SegmentationProvider.FewShot few, long seed) {
    if (few == null || few.divisor() == 1) {
      return pairs;
    }
    List<SegmentationPair> shuffled = new ArrayList<>(pairs);
    SplittableRandom random = new SplittableRandom(seed ^ 0x5EED5EEDL);
    for (int i = shuffled.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      SegmentationPair t = shuffled.get(i);
      shuffled.set(i, shuffled.get(j));
      shuffled.set(j, t);
    }
    int keep = Math.max(1, shuffled.size() / few.divisor());
    return List.copyOf(shuffled.subList(0, keep));
  }
}
