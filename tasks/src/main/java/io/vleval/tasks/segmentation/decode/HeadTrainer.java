package io.vleval.tasks.segmentation.decode;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.SegmentationPair;
import io.vleval.tasks.segmentation.pipeline.TrainTransform;
import io.vleval.tasks.training.AdamW;
import io.vleval.tasks.training.PolyLrSchedule;
import io.vleval.tasks.training.Shuffle;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * mmseg's iteration-based training of a decode head, as InternVL's segmentation configs run it:
 * each iteration takes the next {@code batch} images of a shuffled stream over the training set
 * (reshuffled every pass), runs each through the training pipeline, reads the head's block maps,
 * computes the heads' losses ({@link SegmentationLoss}), and takes one AdamW step (betas 0.9,
 * 0.999; norm weights and biases without weight decay) at the rate of mmcv's poly schedule with
 * linear warm-up ({@code power 1, min_lr 0, warmup_ratio 1e-6}) for that iteration.
 *
 * <p>A trainable backbone's parameters train alongside the head's when its block maps are in the
 * same autograd graph ({@link TrainableBlockMaps}): they join the optimiser as further groups, each
 * with its own learning-rate scale and weight decay ({@link
 * io.vleval.tasks.training.LayerDecayGroups}), and are stepped and zeroed with the head's.
 *
 * <p>Label values that are neither a class nor 255 are ignored like 255.
 */
public final class HeadTrainer {

  /**
   * @param iterations the iterations (80,000 in the reference)
   * @param batchSize images per iteration (16)
   * @param learningRate the base learning rate (4e-5)
   * @param weightDecay AdamW's weight decay (0 for linear probing, 0.05 for head tuning)
   * @param warmupIterations iterations of linear warm-up (1500)
   * @param seed the seed of the sampler, the augmentations and dropout
   */
  public record Settings(
      int iterations,
      int batchSize,
      double learningRate,
      double weightDecay,
      int warmupIterations,
      long seed) {}

  private HeadTrainer() {}

  /**
   * Trains {@code head} in place on maps of a frozen backbone.
   *
   * @param pairs the training set
   * @param classes the number of classes (labels at or above it, other than 255, are ignored)
   * @return the loss of every iteration
   */
  public static List<Double> train(
      DecodeHead head,
      List<SegmentationPair> pairs,
      TrainTransform transform,
      BlockMaps maps,
      int classes,
      Settings s,
      NDManager manager) {
    return train(head, List.of(), pairs, transform, maps, classes, s, manager);
  }

  /**
   * Trains {@code head} in place, together with the parameters of {@code backbone}, which the maps'
   * graph must reach (a trainable backbone's groups, each at its learning-rate scale).
   *
   * @param backbone further parameter groups trained with the head (none for a frozen backbone)
   * @param pairs the training set
   * @param classes the number of classes (labels at or above it, other than 255, are ignored)
   * @param manager the manager of the optimiser's state and of every step's arrays, on the device
   *     of the head and the backbone
   * @return the loss of every iteration
   */
  public static List<Double> train(
      DecodeHead head,
      List<AdamW.Group> backbone,
      List<SegmentationPair> pairs,
      TrainTransform transform,
      BlockMaps maps,
      int classes,
      Settings s,
      NDManager manager) {
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("no training pairs");
    }
    SplittableRandom root = new SplittableRandom(s.seed());
    SplittableRandom sampler = root.split();
    SplittableRandom augment = root.split();
    SplittableRandom dropout = root.split();
    PolyLrSchedule schedule = schedule(s);
    int[] order = new int[0];
    int next = 0;
    List<Double> losses = new ArrayList<>(s.iterations());
    int side = transform.crop();
    List<NDArray> further = new ArrayList<>();
    backbone.forEach(g -> further.addAll(g.params()));
    try (AdamW adam = optimizer(head, backbone, s.weightDecay(), manager)) {
      for (int it = 0; it < s.iterations(); it++) {
        List<RgbImage> crops = new ArrayList<>(s.batchSize());
        int[] labels = new int[s.batchSize() * side * side];
        for (int b = 0; b < s.batchSize(); b++) {
          if (next == order.length) {
            order = Shuffle.permutation(pairs.size(), sampler);
            next = 0;
          }
          SegmentationPair pair = pairs.get(order[next++]);
          TrainTransform.Pair p =
              transform.apply(pair.image().load(), pair.labels().load(), augment);
          crops.add(p.image());
          copyLabels(p.labels(), classes, labels, b * side * side);
        }
        try (NDManager step = manager.newSubManager()) {
          // lent, so that the gradient handles and every array computed from them are the step's
          head.params().lendTo(step);
          further.forEach(step::tempAttachAll);
          // a frozen backbone runs outside the recorded graph, a trainable one inside it
          List<NDArray> in =
              maps.differentiable() ? null : maps.of(crops, side, head.blocks(), step);
          NDArray loss;
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            if (in == null) {
              in = maps.of(crops, side, head.blocks(), step);
            }
            loss = SegmentationLoss.of(head.forward(in, true, dropout), labels, side, side);
            gc.backward(loss);
          }
          losses.add((double) loss.getFloat());
          adam.step(schedule.at(it));
          for (NDArray p : head.params().parameters().values()) {
            p.getGradient().muli(0f);
          }
          for (NDArray p : further) {
            p.getGradient().muli(0f);
          }
        }
      }
    }
    return losses;
  }

  /** mmcv's poly schedule with linear warm-up as the configs set it, for the settings. */
  static PolyLrSchedule schedule(Settings s) {
    return new PolyLrSchedule(
        s.learningRate(), s.iterations(), 1.0, 0.0, s.warmupIterations(), 1e-6);
  }

  /**
   * AdamW over the head's groups (learning-rate scale 1: the head's layer id under layer-wise decay
   * is the top one) and the backbone's, with the reference's betas and eps.
   */
  static AdamW optimizer(
      DecodeHead head, List<AdamW.Group> backbone, double weightDecay, NDManager manager) {
    List<AdamW.Group> groups = new ArrayList<>(backbone);
    groups.addAll(head.params().groups(weightDecay));
    return AdamW.withDefaults(manager, groups);
  }

  private static void copyLabels(LabelMap labels, int classes, int[] out, int offset) {
    byte[] v = labels.values();
    for (int i = 0; i < v.length; i++) {
      int l = v[i] & 0xFF;
      out[offset + i] = l < classes ? l : SegmentationLoss.IGNORE;
    }
  }
}
