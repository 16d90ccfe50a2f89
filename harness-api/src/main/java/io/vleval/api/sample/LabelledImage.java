package io.vleval.api.sample;

import java.util.List;

/**
 * An image with one class label (classification, linear probing, zero-shot classification).
 *
 * @param label the image's class
 * @param acceptedLabels every class that counts as a correct prediction when a dataset holds
 *     several per image (ImageNet-ReaL's reassessed labels, which replace {@code label} for
 *     scoring); empty when {@code label} is the only one
 */
public record LabelledImage(String id, ImageSource image, int label, List<Integer> acceptedLabels)
    implements Sample {

  public LabelledImage {
    acceptedLabels = acceptedLabels == null ? List.of() : List.copyOf(acceptedLabels);
  }

  /** An image with its one class. */
  public LabelledImage(String id, ImageSource image, int label) {
    this(id, image, label, List.of());
  }
}
