package io.vleval.training.data;

import io.vleval.api.sample.ImageSource;
import io.vleval.api.sample.Sample;
import java.util.List;

/**
 * An image with the texts it can be paired with: a labelled image's class name (stage 1 fills it
 * into a prompt template), or a captioned image's captions in one or more languages.
 *
 * @param id the dataset's name and the sample's id ({@code captions-en/000123}), unique across a
 *     stage's data
 * @param image the image, decoded when its batch is drawn
 * @param className the class name of a labelled image, null for a captioned one
 * @param captions a captioned image's captions by language, the primary language's first (empty for
 *     a labelled image)
 */
public record ImageText(String id, ImageSource image, String className, List<List<String>> captions)
    implements Sample {

  /** Copies, and checks that a captioned image has captions in every language it lists. */
  public ImageText {
    captions = captions.stream().<List<String>>map(List::copyOf).toList();
    if ((className == null) == captions.isEmpty() || captions.stream().anyMatch(List::isEmpty)) {
      throw new IllegalArgumentException(
          id + ": an image has a class name or captions in every language it lists");
    }
  }

  /**
   * @return whether it is a labelled image (paired with a class prompt)
   */
  public boolean labelled() {
    return className != null;
  }

  /**
   * @return its captions in the primary language
   */
  public List<String> primaryCaptions() {
    return captions.get(0);
  }
}
