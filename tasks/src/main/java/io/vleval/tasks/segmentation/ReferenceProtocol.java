package io.vleval.tasks.segmentation;

import ai.djl.ndarray.NDManager;
import io.vleval.api.djl.BackboneCopy;
import io.vleval.api.djl.BackboneParameter;
import io.vleval.api.djl.LayerDecay;
import io.vleval.api.djl.TrainableBackbone;
import io.vleval.api.error.VlevalException;
import io.vleval.api.model.BackboneShape;
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
import io.vleval.tasks.segmentation.decode.TrainableBlockMaps;
import io.vleval.tasks.segmentation.decode.UperNetDecodeHead;
import io.vleval.tasks.segmentation.pipeline.TrainTransform;
import io.vleval.tasks.training.AdamW;
import io.vleval.tasks.training.LayerDecayGroups;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The reference recipe on one model: the head, its training (with the backbone frozen, or
 * fine-tuned on a copy) and the sliding-window inference, all settings from the spec.
 */
final class ReferenceProtocol {
  /** Mixed into the task's seed for the drop path decisions of a trainable backbone. */
  private static final long DROP_PATH_SEED = 0x0D50_9A7E_D0E5_1EEDL;

  private ReferenceProtocol() {}

  static Predictor predictor(
      SegmentationProvider.Spec spec, Model model, TaskContext context, int classes) {
    return spec.trainsBackbone()
        ? trainable(spec, model.require(TrainableBackbone.class), context, classes)
        : frozen(spec, model.require(BlockFeatureExtractor.class), context, classes);
  }

  /** The sliding windows of the spec for a backbone with {@code patch}-pixel patches. */
  private static SlideInference inference(
      SegmentationProvider.Spec spec, int patch, TaskContext context) {
    SegmentationProvider.FewShot few = spec.fewShot();
    int crop = spec.crop(patch);
    List<Integer> scale = spec.scale(crop);
    return new SlideInference(
        crop,
        spec.stride(crop),
        scale.get(0),
        scale.get(1),
        few == null || few.divisor() == 1,
        patch,
        Math.max(1, context.batchSize()));
  }

  /** Linear probing and head tuning: heads on the loaded model's block features. */
  private static Predictor frozen(
      SegmentationProvider.Spec spec,
      BlockFeatureExtractor extractor,
      TaskContext context,
      int classes) {
    BlockMaps maps = BlockMaps.frozen(extractor);
    SlideInference inference = inference(spec, extractor.patchSize(), context);
    return new Predictor() {
      private NDManager manager;
      private DecodeHead head;

      @Override
      public int[] predict(RgbImage image, LabelMap label) {
        if (head == null) {
          manager = NDManager.newBaseManager();
          BackboneShape shape =
              new BackboneShape(
                  extractor.depth(),
                  extractor.channels(),
                  extractor.patchSize(),
                  extractor.inputSize());
          head = train(spec, shape, maps, List.of(), context, classes, manager);
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

  /**
   * Full tuning and the few-shot rows: the head trained together with a float32 copy of the
   * backbone, which the predictor owns and closes; the loaded model is never changed.
   */
  private static Predictor trainable(
      SegmentationProvider.Spec spec,
      TrainableBackbone backbone,
      TaskContext context,
      int classes) {
    SlideInference inference = inference(spec, backbone.shape().patchSize(), context);
    float[] mean = backbone.pixelMean();
    float[] std = backbone.pixelStd();
    return new Predictor() {
      private BackboneCopy copy;
      private NDManager manager;
      private DecodeHead head;
      private BlockMaps maps;

      @Override
      public int[] predict(RgbImage image, LabelMap label) {
        if (head == null) {
          BackboneShape shape = backbone.shape();
          int crop = spec.crop(shape.patchSize());
          checkBlocks(spec, shape);
          copy = backbone.copy(crop);
          manager = copy.manager().newSubManager();
          int last = Collections.max(spec.headBlocks(shape.depth()));
          for (BackboneParameter p : copy.parameters()) {
            // blocks after the last one read never run: nothing to train there
            if (p.layerId() > LayerDecay.block(last)) {
              p.parameter().freeze(true);
            }
          }
          List<AdamW.Group> groups =
              LayerDecayGroups.of(
                  copy.parameters(),
                  new LayerDecay(spec.layerDecayRate(), shape.depth()),
                  spec.weightDecay());
          BlockMaps training =
              TrainableBlockMaps.training(
                  copy, mean, std, spec.dropPathRate(), context.seed() ^ DROP_PATH_SEED);
          head = train(spec, shape, training, groups, context, classes, manager);
          maps = TrainableBlockMaps.inference(copy, mean, std);
        }
        return inference.predict(image, label.width(), label.height(), head, maps, manager);
      }

      @Override
      public void close() {
        try {
          if (manager != null) {
            manager.close();
          }
        } finally {
          if (copy != null) {
            copy.close();
          }
        }
      }
    };
  }

  /** The blocks the head reads must exist and the crop must be whole patches. */
  private static void checkBlocks(SegmentationProvider.Spec spec, BackboneShape shape) {
    int depth = shape.depth();
    for (int b : spec.headBlocks(depth)) {
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
    int crop = spec.crop(shape.patchSize());
    if (crop % shape.patchSize() != 0) {
      throw new VlevalException(
          "semantic-segmentation's crop_size "
              + crop
              + " is not a multiple of the model's "
              + shape.patchSize()
              + " px patch");
    }
  }

  private static DecodeHead train(
      SegmentationProvider.Spec spec,
      BackboneShape shape,
      BlockMaps maps,
      List<AdamW.Group> backboneGroups,
      TaskContext context,
      int classes,
      NDManager manager) {
    checkBlocks(spec, shape);
    List<Integer> blocks = spec.headBlocks(shape.depth());
    int crop = spec.crop(shape.patchSize());
    DecodeHead head =
        spec.head() == SegmentationProvider.Head.LINEAR
            ? new LinearDecodeHead(
                manager, shape.channels(), classes, blocks.get(0), context.seed())
            : new UperNetDecodeHead(
                manager,
                shape.channels(),
                spec.headChannels(),
                classes,
                blocks,
                spec.auxiliaryLevel(),
                context.seed());
    // the run's seed, so that every model of the run trains on the same share
    List<SegmentationPair> pairs =
        subset(trainingPairs(context), spec.fewShot(), context.runSeed());
    List<Integer> scale = spec.scale(crop);
    TrainTransform transform =
        new TrainTransform(scale.get(0), scale.get(1), 0.5, 2.0, crop, 0.75, 0.5, true);
    HeadTrainer.train(
        head,
        backboneGroups,
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
