package io.vleval.datasets.captions;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.datasets.image.ImageDecoder;
import io.vleval.datasets.layout.DatasetRoot;
import io.vleval.datasets.layout.FileImageSource;
import java.util.List;

/**
 * One listed image: its path as the annotation file wrote it and its captions, or the problem that
 * made the entry unreadable (raised when the entry is reached, so a run can skip it).
 */
record CaptionEntry(
    String id, String relativePath, List<String> captions, String problemPlace, String problem) {

  static CaptionEntry broken(String id, String place, String problem) {
    return new CaptionEntry(id, null, List.of(), place, problem);
  }

  CaptionedImage toSample(DatasetRoot images, String annotationFile, ImageDecoder decoder) {
    if (problem != null) {
      throw DatasetFormatException.forSample(id, annotationFile, problemPlace, problem);
    }
    return new CaptionedImage(
        id,
        new FileImageSource(
            images.resolve(relativePath, annotationFile, problemPlaceOrId(), id), id, decoder),
        captions);
  }

  private String problemPlaceOrId() {
    return "image '" + id + "'";
  }
}
