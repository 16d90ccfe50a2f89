package io.vleval.api.sample;

import java.util.List;

/** An image with one or more reference captions (retrieval, captioning). */
public record CaptionedImage(String id, ImageSource image, List<String> captions)
    implements Sample {
  public CaptionedImage {
    captions = List.copyOf(captions);
  }
}
