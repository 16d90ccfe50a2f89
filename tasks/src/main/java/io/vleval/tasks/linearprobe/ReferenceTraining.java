package io.vleval.tasks.linearprobe;

import io.vleval.api.error.VlevalException;
import io.vleval.api.model.ImageView;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.RgbImage;
import io.vleval.tasks.head.ProbeHead;
import io.vleval.tasks.head.WarmupCosineSchedule;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference linear probe's training loop ({@code classification/main.py}, {@code
 * train_one_epoch}) with the backbone frozen in the loop: every epoch, every training image goes
 * through the training transform ({@link ResizedCrop}: RandomResizedCrop + horizontal flip), each
 * batch through Mixup/CutMix ({@link MixBatch}), then the backbone computes the feature of each
 * augmented image and the head takes one step (soft-target cross entropy, gradient clipping, SGD
 * with Nesterov momentum) at the rate of {@link WarmupCosineSchedule}. Batches are full ({@code
 * drop_last=True}): an epoch is {@code floor(n / batch)} steps over a fresh seeded permutation.
 *
 * <p>Every random choice (permutation, crops, flips, mixing) comes from one source seeded by the
 * run, drawn in a fixed order, so a run repeats exactly; image decoding and the crops' resampling
 * run in parallel once the values are drawn.
 */
final class ReferenceTraining {
  private static final Logger LOG = LoggerFactory.getLogger(ReferenceTraining.class);

  /**
   * The loop's settings.
   *
   * @param side the training transform's output side (the reference: 224)
   * @param poolingHeads attention-pooling heads, 0 for a plain BN + linear head
   * @param tokenChannels with pooling, the channels of each token
   */
  record Settings(
      int epochs,
      int batchSize,
      double learningRate,
      double warmupEpochs,
      ProbeHead.StepSettings step,
      MixBatch.Settings mix,
      int side,
      int poolingHeads,
      int tokenChannels,
      long seed) {}

  private ReferenceTraining() {}

  /**
   * Trains a head.
   *
   * @param where the training set's location, for messages
   */
  static ProbeHead train(
      List<LabelledImage> train,
      int classes,
      ProbeFeature.Source source,
      Settings s,
      String where) {
    int n = train.size();
    long steps = n / s.batchSize();
    if (steps == 0) {
      throw new VlevalException(
          "linear-probe: the training set "
              + where
              + " has "
              + n
              + " images, fewer than batch_size "
              + s.batchSize()
              + "; the reference drops incomplete batches, so no step would be taken: lower"
              + " batch_size");
    }
    WarmupCosineSchedule schedule =
        WarmupCosineSchedule.of(s.learningRate(), s.epochs(), s.warmupEpochs(), steps);
    SplittableRandom random = new SplittableRandom(s.seed());
    ProbeHead head = null;
    long k = 0;
    try {
      for (int epoch = 0; epoch < s.epochs(); epoch++) {
        int[] order = permutation(n, random);
        double lossSum = 0;
        for (int b = 0; b < steps; b++) {
          int from = b * s.batchSize();
          LabelledImage[] batch = new LabelledImage[s.batchSize()];
          int[] labels = new int[s.batchSize()];
          for (int i = 0; i < batch.length; i++) {
            batch[i] = train.get(order[from + i]);
            labels[i] = batch[i].label();
          }
          RgbImage[] images = new RgbImage[batch.length];
          IntStream.range(0, batch.length)
              .parallel()
              .forEach(i -> images[i] = batch[i].image().load());
          ResizedCrop[] crops = new ResizedCrop[batch.length];
          for (int i = 0; i < batch.length; i++) {
            crops[i] = ResizedCrop.draw(images[i].width(), images[i].height(), random);
          }
          MixBatch mix = MixBatch.draw(s.mix(), s.side(), s.side(), random);
          RgbImage[] augmented = new RgbImage[batch.length];
          IntStream.range(0, batch.length)
              .parallel()
              .forEach(i -> augmented[i] = crops[i].apply(images[i], s.side()));
          List<RgbImage> mixed = mix.apply(List.of(augmented));
          float[][] features = source.of(mixed, ImageView.SHORTER_SIDE_CENTER_CROP);
          if (head == null) {
            int dim = s.poolingHeads() > 0 ? s.tokenChannels() : features[0].length;
            head = ProbeHead.create(dim, classes, s.poolingHeads(), s.seed() ^ 0x5DEECE66DL);
          }
          float[][] targets = mix.targets(labels, classes, s.mix().smoothing());
          ProbeHead.StepResult r = head.step(features, targets, schedule.rateAtStep(k), s.step());
          lossSum += r.loss();
          k++;
        }
        LOG.info(
            "linear-probe: epoch {}/{}: mean loss {}",
            epoch + 1,
            s.epochs(),
            String.format(Locale.ROOT, "%.4f", lossSum / steps));
      }
      return head;
    } catch (RuntimeException e) {
      if (head != null) {
        head.close();
      }
      throw e;
    }
  }

  static int[] permutation(int n, SplittableRandom random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
