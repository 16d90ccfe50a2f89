package io.vleval.model.internvl.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;

/**
 * What a stage minimizes: the loss of one micro-batch of samples. Implementations build every
 * array in {@code batch}, which the loop closes after the backward pass.
 */
public interface Objective {

    /** @return the number of samples in one epoch */
    int size();

    /**
     * Computes the loss of a micro-batch.
     *
     * @param samples indices into the epoch's samples, in the order the seeded shuffle drew them
     * @param step the 0-based optimizer step (a seed for per-step random choices)
     * @param batch owns every array of the pass
     * @param parts named components of the loss (e.g. {@code itc}, {@code itm}), as plain values, for the log
     * @return a scalar loss in {@code batch}
     */
    NDArray loss(int[] samples, int step, NDManager batch, Map<String, Float> parts);

    /** @return the names of the loss components {@link #loss} reports, in a fixed order (CSV columns) */
    default java.util.List<String> partNames() {
        return java.util.List.of();
    }

    /** Called after every optimizer update (e.g. to clamp the temperature), outside any gradient collector. */
    default void afterUpdate() {}
}
