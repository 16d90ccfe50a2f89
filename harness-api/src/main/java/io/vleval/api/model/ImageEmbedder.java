package io.vleval.api.model;

import io.vleval.api.sample.RgbImage;
import java.util.List;

/** Maps images to fixed-size vectors (not necessarily normalized). */
public interface ImageEmbedder extends Capability {
  /** Length of every returned vector. */
  int embeddingSize();

  /** One vector per image, in input order. */
  float[][] embedImages(List<RgbImage> images, ImageView view);
}
