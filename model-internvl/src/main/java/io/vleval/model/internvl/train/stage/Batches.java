package io.vleval.model.internvl.train.stage;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/** Builds the arrays of a micro-batch from plain values. */
final class Batches {

    private Batches() {}

    /** Stacks preprocessed images {@code 3 x S x S} into {@code [B, 3, S, S]}. */
    static NDArray pixels(List<float[]> images, int size, NDManager batch) {
        int n = 3 * size * size;
        float[] flat = new float[images.size() * n];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, flat, i * n, n);
        }
        return batch.create(flat, new Shape(images.size(), 3, size, size));
    }

    /** Row-wise log-softmax cross-entropy against soft targets {@code t} (rows sum to 1): {@code -mean_i sum_j t_ij log p_ij}. */
    static NDArray softCrossEntropy(NDArray logits, NDArray targets) {
        return logits.logSoftmax(1).mul(targets).sum(new int[] {1}).neg().mean();
    }

    /** Targets {@code pos / rowsum(pos)} where {@code pos[i][j] = key_i == key_j}. */
    static NDArray multiPositiveTargets(List<String> keys, NDManager batch) {
        int b = keys.size();
        float[] t = new float[b * b];
        for (int i = 0; i < b; i++) {
            int n = 0;
            for (int j = 0; j < b; j++) {
                n += keys.get(i).equals(keys.get(j)) ? 1 : 0;
            }
            for (int j = 0; j < b; j++) {
                t[i * b + j] = keys.get(i).equals(keys.get(j)) ? 1f / n : 0f;
            }
        }
        return batch.create(t, new Shape(b, b));
    }

    /** Moves an array that an operation on a weight produced into the batch's manager. */
    static NDArray own(NDArray a, NDManager batch) {
        a.attach(batch);
        return a;
    }
}
