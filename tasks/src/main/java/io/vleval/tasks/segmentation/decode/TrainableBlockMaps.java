package io.vleval.tasks.segmentation.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.vleval.api.djl.BackboneCopy;
import io.vleval.api.djl.DropPath;
import io.vleval.api.sample.RgbImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Block maps from a trainable backbone's copy ({@link BackboneCopy}), inside the autograd graph, so
 * that the head's loss reaches the backbone's parameters: the crops are normalised with the
 * backbone's mean and std (8-bit values / 255, minus the mean, over the std, as the reference's
 * {@code Normalize}), run through the copy up to the last block asked, and each block's patch
 * tokens (the class token dropped) are laid out as a {@code [B, C, side / patch, side / patch]}
 * map, as the reference's segmentation backbone does with its {@code out_indices}.
 *
 * <p>{@link #training} runs the copy in training mode with drop path, each call (one per iteration)
 * drawing its masks from its own seed, taken in turn from a generator seeded once; {@link
 * #inference} runs it in inference mode (no drop path), for the sliding windows.
 */
public final class TrainableBlockMaps implements BlockMaps {
  private final BackboneCopy copy;
  private final float[] mean;
  private final float[] std;
  private final boolean training;
  private final double dropPathRate;
  private final SplittableRandom seeds;

  private TrainableBlockMaps(
      BackboneCopy copy,
      float[] mean,
      float[] std,
      boolean training,
      double dropPathRate,
      SplittableRandom seeds) {
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need 3 channels (R, G, B)");
    }
    this.copy = copy;
    this.mean = mean.clone();
    this.std = std.clone();
    this.training = training;
    this.dropPathRate = dropPathRate;
    this.seeds = seeds;
  }

  /**
   * The copy in training mode, with drop path on the reference's linear schedule.
   *
   * @param mean the per-channel mean of pixel values in [0, 1] (the backbone's)
   * @param std the per-channel standard deviation (the backbone's)
   * @param dropPathRate the drop path probability at the last block
   * @param seed the seed of the drop path decisions of every call
   */
  public static TrainableBlockMaps training(
      BackboneCopy copy, float[] mean, float[] std, double dropPathRate, long seed) {
    return new TrainableBlockMaps(copy, mean, std, true, dropPathRate, new SplittableRandom(seed));
  }

  /** The copy in inference mode (no drop path). */
  public static TrainableBlockMaps inference(BackboneCopy copy, float[] mean, float[] std) {
    return new TrainableBlockMaps(copy, mean, std, false, 0, null);
  }

  /** True in training mode: the maps then depend on the copy's parameters. */
  @Override
  public boolean differentiable() {
    return training;
  }

  @Override
  public List<NDArray> of(List<RgbImage> crops, int side, List<Integer> blocks, NDManager scope) {
    int patch = copy.shape().patchSize();
    if (side % patch != 0) {
      throw new IllegalArgumentException(
          "side " + side + " is not a multiple of the " + patch + " px patch");
    }
    int n = crops.size();
    int plane = side * side;
    float[] pixels = new float[n * 3 * plane];
    for (int i = 0; i < n; i++) {
      RgbImage crop = crops.get(i);
      if (crop.width() != side || crop.height() != side) {
        throw new IllegalArgumentException(
            "crop " + crop.width() + "x" + crop.height() + " is not " + side + "x" + side);
      }
      byte[] rgb = crop.rgb();
      for (int c = 0; c < 3; c++) {
        int base = (i * 3 + c) * plane;
        for (int p = 0; p < plane; p++) {
          pixels[base + p] = ((rgb[p * 3 + c] & 0xFF) / 255f - mean[c]) / std[c];
        }
      }
    }
    NDArray input = scope.create(pixels, new Shape(n, 3, side, side));
    List<Integer> distinct = blocks.stream().distinct().sorted().toList();
    DropPath dropPath = training ? DropPath.seeded(dropPathRate, seeds.nextLong()) : DropPath.NONE;
    List<NDArray> tokens =
        copy.forward(new ParameterStore(scope, false), input, distinct, training, dropPath);
    int grid = side / patch;
    List<NDArray> out = new ArrayList<>(blocks.size());
    for (int block : blocks) {
      NDArray t = tokens.get(distinct.indexOf(block));
      long channels = t.getShape().get(2);
      out.add(t.get(":, 1:, :").reshape(n, grid, grid, channels).transpose(0, 3, 1, 2));
    }
    return out;
  }
}
