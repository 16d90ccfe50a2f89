package io.vleval.api.model;

import io.vleval.api.sample.RgbImage;
import java.util.List;

/**
 * The outputs of chosen blocks of a transformer image backbone, before any final norm: per image
 * the class token and the patch grid of each requested block. These are the features the reference
 * protocols read: InternViT's linear probe concatenates the last block's class token with the mean
 * of its patch tokens; its ADE20K heads read the patch grid of one block (linear probing) or of
 * four (UperNet).
 */
public interface BlockFeatureExtractor extends Capability {

  /**
   * @return the number of blocks; block indices run from 0 to {@code depth() - 1}
   */
  int depth();

  /**
   * @return the channels of every block's tokens
   */
  int channels();

  /**
   * @return the side of one square patch, in pixels; an input side must be a multiple of it
   */
  int patchSize();

  /**
   * @return the square side, in pixels, the backbone was trained at
   */
  int inputSize();

  /**
   * Runs the backbone on images brought to {@code side x side} as {@code view} says and normalized
   * as the model expects.
   *
   * @param images the images
   * @param view how an image is brought to the square input (an image already at that size is used
   *     as it is)
   * @param side the input side in pixels, a positive multiple of {@link #patchSize()}; other than
   *     {@link #inputSize()} where the model can interpolate its position embeddings
   * @param blocks the 0-based blocks to return, each in {@code [0, depth())}
   * @return per image, the requested blocks in the order asked
   */
  List<List<BlockFeatures>> extract(
      List<RgbImage> images, ImageView view, int side, List<Integer> blocks);
}
