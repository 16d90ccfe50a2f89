package io.vleval.datasets.layout;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.sample.ImageSource;
import io.vleval.api.sample.RgbImage;
import io.vleval.datasets.image.ImageDecoder;
import java.nio.file.Files;
import java.nio.file.Path;

/** An image file decoded when a worker asks for it. */
public record FileImageSource(Path file, String sampleId, ImageDecoder decoder)
    implements ImageSource {

  @Override
  public RgbImage load() {
    if (!Files.isRegularFile(file)) {
      throw DatasetFormatException.forSample(sampleId, file.toString(), "", "image file not found");
    }
    return decoder.decode(file);
  }

  @Override
  public String origin() {
    return file.toString();
  }
}
