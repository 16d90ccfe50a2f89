package io.vleval.training.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.vleval.model.internvl.nd.Devices;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What a stage minimizes: the loss of one micro-batch of samples, in two phases so that it can be
 * split over replicas (data parallelism, {@link TrainingLoop}). {@link #forward} runs what one
 * shard computes alone and returns the arrays the other shards need (features for InfoNCE); once
 * every shard has run it, {@link Pass#loss} gives this shard's <em>share</em> of the loss from all
 * shards' arrays ({@link Gathered}). The shares' gradients add up to the gradient of the
 * micro-batch's loss, and their values to its value. On one device the single shard's share is the
 * loss itself, computed exactly as before sharding existed. Implementations build every array in
 * {@code batch}, which the loop closes after the backward passes.
 */
public interface Objective {

  /**
   * @return the number of samples in one epoch, or -1 when the samples stream and their number is
   *     not known before they are read
   */
  int size();

  /**
   * The order the loop draws samples in: by default a seeded permutation of the {@link #size()}
   * samples each epoch ({@link ShuffledOrder}); an objective over streamed data draws positions of
   * its stream instead.
   *
   * @param seed the stage's seed
   * @return the order
   */
  default SampleOrder order(long seed) {
    return new ShuffledOrder(size(), seed);
  }

  /**
   * Runs the first phase of a micro-batch's shard.
   *
   * @param shard the micro-batch (indices into the epoch's samples, in the order the seeded shuffle
   *     drew them) and this shard's rows
   * @param step the 0-based optimizer step (a seed for per-step random choices)
   * @param batch owns every array of the pass, on this shard's replica's device
   * @return the pass, waiting for the other shards
   */
  Pass forward(Shard shard, int step, NDManager batch);

  /**
   * The loss of a whole micro-batch on one device (tests, diagnostics).
   *
   * @param samples indices into the epoch's samples
   * @param step the 0-based optimizer step
   * @param batch owns every array of the pass
   * @param parts named components of the loss (e.g. {@code itc}, {@code itm}), as plain values, for
   *     the log
   * @return a scalar loss in {@code batch}
   */
  default NDArray loss(int[] samples, int step, NDManager batch, Map<String, Float> parts) {
    Pass p = forward(Shard.whole(samples), step, batch);
    return p.loss(Gathered.single(p, batch), parts).loss();
  }

  /**
   * @return the names of the loss components a pass reports, in a fixed order (CSV columns)
   */
  default List<String> partNames() {
    return List.of();
  }

  /**
   * Called after every optimizer update (e.g. to clamp the temperature), outside any gradient
   * collector.
   */
  default void afterUpdate() {}

  /** One shard's pass over a micro-batch, between its forward phase and its loss. */
  interface Pass {

    /**
     * @return arrays whose rows are this shard's samples and which every shard's loss reads (e.g.
     *     the normalized image and text features of InfoNCE), live; empty when the loss is a sum
     *     over samples
     */
    default NDList shared() {
      return new NDList();
    }

    /**
     * This shard's share of the loss.
     *
     * @param gathered every shard's {@link #shared()} arrays
     * @param parts where to add this shard's share of each named component
     * @return the share
     */
    Share loss(Gathered gathered, Map<String, Float> parts);

    /**
     * A pass that shares arrays with the other shards and computes its share from all of them.
     *
     * @param shared this shard's arrays the others need (rows = this shard's samples), live
     * @param loss the second phase: the share from the gathered arrays, adding to the named
     *     components
     * @return the pass
     */
    static Pass sharing(NDList shared, BiFunction<Gathered, Map<String, Float>, Share> loss) {
      return new Pass() {
        @Override
        public NDList shared() {
          return shared;
        }

        @Override
        public Share loss(Gathered gathered, Map<String, Float> parts) {
          return loss.apply(gathered, parts);
        }
      };
    }

    /**
     * A pass whose share was computed in the forward phase (a loss that is a sum over samples).
     *
     * @param share the share
     * @param parts this shard's share of each named component
     * @return the pass
     */
    static Pass of(Share share, Map<String, Float> parts) {
      return (gathered, into) -> {
        parts.forEach((k, v) -> into.merge(k, v, Float::sum));
        return share;
      };
    }
  }

  /**
   * A shard's share of a micro-batch's loss.
   *
   * @param loss the scalar to back-propagate (its gradients add up over shards to the
   *     micro-batch's)
   * @param value what it adds to the micro-batch's logged loss (the shares' values add up to the
   *     loss; it differs from {@code loss}'s value when every shard back-propagates the whole
   *     InfoNCE loss)
   */
  record Share(NDArray loss, double value) {

    /**
     * A share whose value is the loss's value.
     *
     * @param loss the scalar
     * @return the share
     */
    public static Share of(NDArray loss) {
      return new Share(loss, value(loss));
    }

    /**
     * @param scalar a one-element array of any float type, on any device
     * @return its value
     */
    public static double value(NDArray scalar) {
      return scalar.getDataType() == DataType.FLOAT32 && !scalar.getDevice().isGpu()
          ? scalar.getFloat()
          : Devices.floats(scalar)[0];
    }
  }
}
