package io.vleval.tasks.segmentation;

import io.vleval.tasks.metrics.scoring.JsonFiles;
import io.vleval.tasks.metrics.scoring.ScoreInputException;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Reads segmentation maps from 8-bit single-band PNGs (grey or palette): the raw sample value of
 * each pixel is the class id, never the palette colour.
 */
public final class LabelMaps {

  private LabelMaps() {}

  /** A label map: its raw values in row-major order and its size. */
  public record LabelMap(int[] values, int width, int height) {}

  /**
   * Reads one PNG; throws {@link ScoreInputException} naming the file when it is not an 8-bit
   * one-band image.
   */
  public static LabelMap read(Path png) {
    BufferedImage image;
    try {
      image = ImageIO.read(png.toFile());
    } catch (IOException e) {
      throw new ScoreInputException(
          png, "whole file", "not readable as an image: " + JsonFiles.oneLine(e), e);
    }
    if (image == null) {
      throw new ScoreInputException(
          png, "whole file", "not a PNG (or other ImageIO-readable) image");
    }
    Raster raster = image.getRaster();
    if (raster.getNumBands() != 1 || raster.getSampleModel().getSampleSize(0) > 8) {
      throw new ScoreInputException(
          png,
          "whole file",
          "expected an 8-bit grayscale or palette PNG, found "
              + raster.getNumBands()
              + " band(s) of "
              + raster.getSampleModel().getSampleSize(0)
              + " bits");
    }
    int w = raster.getWidth();
    int h = raster.getHeight();
    int[] values = raster.getSamples(0, 0, w, h, 0, new int[w * h]);
    return new LabelMap(values, w, h);
  }
}
