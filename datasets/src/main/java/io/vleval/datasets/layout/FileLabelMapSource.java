package io.vleval.datasets.layout;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.LabelMapSource;
import io.vleval.datasets.image.ImageDecoder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A label-map PNG decoded on demand, with mmsegmentation's {@code reduce_zero_label} applied when
 * asked: 0 (background/"other") becomes 255 (ignored) and every other class moves down by one.
 */
public record FileLabelMapSource(
    Path file, String sampleId, boolean reduceZeroLabel, ImageDecoder decoder)
    implements LabelMapSource {

  @Override
  public LabelMap load() {
    if (!Files.isRegularFile(file)) {
      throw DatasetFormatException.forSample(
          sampleId, file.toString(), "", "annotation file not found");
    }
    LabelMap raw = decoder.decodeLabelMap(file);
    if (!reduceZeroLabel) {
      return raw;
    }
    byte[] in = raw.values();
    byte[] out = new byte[in.length];
    for (int i = 0; i < in.length; i++) {
      int v = in[i] & 0xFF;
      out[i] = (byte) (v == 0 ? 255 : v == 255 ? 255 : v - 1);
    }
    return new LabelMap(raw.width(), raw.height(), out);
  }

  @Override
  public String origin() {
    return file.toString();
  }
}
