package io.vleval.tasks.segmentation.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vleval.api.model.BlockFeatureExtractor;
import io.vleval.api.model.BlockFeatures;
import io.vleval.api.model.DenseFeatures;
import io.vleval.api.model.ImageView;
import io.vleval.api.sample.RgbImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a head's input maps come from. A frozen backbone gives plain arrays ({@link
 * #frozen(BlockFeatureExtractor)}); a trainable one ({@link TrainableBlockMaps}, over a {@code
 * TrainableBackbone}'s copy) gives arrays inside the autograd graph, its parameters joining the
 * head's in the optimiser as groups with layer-decay learning-rate scales.
 */
@FunctionalInterface
public interface BlockMaps {

  /**
   * One {@code [B, C, side / patch, side / patch]} map per block asked, in that order, for square
   * crops of {@code side} pixels, in {@code scope}.
   */
  List<NDArray> of(List<RgbImage> crops, int side, List<Integer> blocks, NDManager scope);

  /**
   * Whether the maps are computed from trainable parameters, so that a training step must compute
   * them while it records the graph; a frozen backbone's are computed before, outside it.
   */
  default boolean differentiable() {
    return false;
  }

  /** The patch grids of a frozen backbone's blocks (no gradient), each block extracted once. */
  static BlockMaps frozen(BlockFeatureExtractor extractor) {
    return (crops, side, blocks, scope) -> {
      List<Integer> distinct = blocks.stream().distinct().sorted().toList();
      List<List<BlockFeatures>> features =
          extractor.extract(crops, ImageView.SQUASH, side, distinct);
      List<NDArray> out = new ArrayList<>(blocks.size());
      for (int block : blocks) {
        int k = distinct.indexOf(block);
        DenseFeatures first = features.get(0).get(k).patches();
        int cells = first.gridHeight() * first.gridWidth() * first.channels();
        float[] values = new float[crops.size() * cells];
        for (int i = 0; i < crops.size(); i++) {
          System.arraycopy(features.get(i).get(k).patches().values(), 0, values, i * cells, cells);
        }
        out.add(
            scope
                .create(
                    values,
                    new Shape(
                        crops.size(), first.gridHeight(), first.gridWidth(), first.channels()))
                .transpose(0, 3, 1, 2));
      }
      return out;
    };
  }
}
