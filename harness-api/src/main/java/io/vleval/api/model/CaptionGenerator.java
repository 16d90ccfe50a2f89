package io.vleval.api.model;

import io.vleval.api.sample.RgbImage;
import java.util.List;

/** Writes a caption for each image, given the protocol's prompt and decoding settings. */
public interface CaptionGenerator extends Capability {
  List<String> caption(List<RgbImage> images, String prompt, GenerationSettings settings);
}
