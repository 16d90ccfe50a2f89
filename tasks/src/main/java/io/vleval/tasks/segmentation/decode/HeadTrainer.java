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
   * Trains {@code head} in place.
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
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("no training pairs");
    }
    SplittableRandom root = new SplittableRandom(s.seed());
    SplittableRandom sampler = root.split();
    SplittableRandom augment = root.split();
    SplittableRandom dropout = root.split();
    PolyLrSchedule schedule =
        new PolyLrSchedule(s.learningRate(), s.iterations(), 1.0, 0.0, s.warmupIterations(), 1e-6);
    int[] order = new int[0];
    int next = 0;
    List<Double> losses = new ArrayList<>(s.iterations());
    int side = transform.crop();
    try (AdamW adam = AdamW.withDefaults(manager, head.params().groups(s.weightDecay()))) {
      for (int it = 0; it < s.iterations(); it++) {
        List<RgbImage> crops = new ArrayList<>(s.batchSize());
        int[] labels = new int[s.batchSize() * side * side];
        for (int b = 0; b < s.batchSize(); b++) {
          if (next == order.length) {
            order = permutation(pairs.size(), sampler);
            next = 0;
          }
          SegmentationPair pair = pairs.get(order[next++]);
          TrainTransform.Pair p =
              transform.apply(pair.image().load(), pair.labels().load(), augment);
          crops.add(p.image());
          copyLabels(p.labels(), classes, labels, b * side * side);
        }
        try (NDManager step = manager.newSubManager()) {
          head.params().lendTo(step);
          List<NDArray> in = maps.of(crops, side, head.blocks(), step);
          NDArray loss;
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            loss = SegmentationLoss.of(head.forward(in, true, dropout), labels, side, side);
            gc.backward(loss);
          }
          losses.add((double) loss.getFloat());
          adam.step(schedule.at(it));
          for (NDArray p : head.params().parameters().values()) {
            p.getGradient().muli(0f);
          }
        }
      }
    }
    return losses;
  }

  private static void copyLabels(LabelMap labels, int classes, int[] out, int offset) {
    byte[] v = labels.values();
    for (int i = 0; i < v.length; i++) {
      int l = v[i] & 0xFF;
      out[offset + i] = l < classes ? l : SegmentationLoss.IGNORE;
    }
  }

  private static int[] permutation(int n, SplittableRandom r) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
