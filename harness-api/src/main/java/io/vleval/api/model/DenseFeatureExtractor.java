package io.vleval.api.model;

import io.vleval.api.sample.RgbImage;
import java.util.List;

/** Gives a grid of patch features per image, for dense tasks such as segmentation. */
public interface DenseFeatureExtractor extends Capability {
  int channels();

  /** The side, in pixels, of the square input the model works at (images are squashed to it). */
  int inputSize();

  List<DenseFeatures> extract(List<RgbImage> images);
}
