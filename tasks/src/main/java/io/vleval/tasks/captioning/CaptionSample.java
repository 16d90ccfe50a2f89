package io.vleval.tasks.captioning;

import java.util.List;
import java.util.Objects;

/**
 * One image's generated caption and its reference captions.
 *
 * @param imageId the image's id, for messages and per-image records
 * @param references the reference captions (at least one)
 * @param prediction the generated caption (may be empty)
 */
public record CaptionSample(String imageId, List<String> references, String prediction) {

  public CaptionSample {
    Objects.requireNonNull(imageId, "imageId");
    Objects.requireNonNull(prediction, "prediction");
    references = List.copyOf(references);
    if (references.isEmpty()) {
      throw new IllegalArgumentException("image " + imageId + " has no reference captions");
    }
  }
}
