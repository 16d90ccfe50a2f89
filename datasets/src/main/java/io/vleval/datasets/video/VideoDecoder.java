package io.vleval.datasets.video;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.sample.RgbImage;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Decodes the frames of a clip that {@link FrameSampling} picks. Frames are decoded in order and
 * only the chosen ones are kept, so memory stays at the sampled frames whatever the clip's length.
 * Any failure is one line naming the file.
 */
public final class VideoDecoder {

  /** Clips with more frames than this are refused rather than read forever. */
  public static final int MAX_FRAMES = 1_000_000;

  /** Frames larger than this (either side) are refused before decoding. */
  public static final int MAX_SIDE = 8192;

  public List<RgbImage> sample(Path file, int frames, String sampleId) {
    if (!Files.isRegularFile(file)) {
      throw DatasetFormatException.forSample(sampleId, file.toString(), "", "video file not found");
    }
    avutil.av_log_set_level(avutil.AV_LOG_QUIET);
    // first pass: count the frames that really decode (container frame counts can lie)
    int count = countFrames(file, sampleId);
    int[] wanted = FrameSampling.uniform(count, frames);
    List<RgbImage> out = new ArrayList<>(frames);
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
        Java2DFrameConverter converter = new Java2DFrameConverter()) {
      grabber.start();
      int index = 0;
      int next = 0;
      Frame frame;
      while (next < wanted.length && (frame = grabber.grabImage()) != null) {
        RgbImage image = null;
        while (next < wanted.length && wanted[next] == index) {
          if (image == null) {
            image = toRgb(converter.convert(frame));
          }
          out.add(image);
          next++;
        }
        index++;
      }
      grabber.stop();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      throw DatasetFormatException.forSample(
          sampleId, file.toString(), "", "cannot decode video: " + oneLine(e));
    }
    if (out.size() != frames) {
      throw DatasetFormatException.forSample(
          sampleId,
          file.toString(),
          "",
          "video ended after " + out.size() + " of the sampled frames " + Arrays.toString(wanted));
    }
    return out;
  }

  private static int countFrames(Path file, String sampleId) {
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
      grabber.start();
      if (grabber.getImageWidth() <= 0
          || grabber.getImageHeight() <= 0
          || grabber.getImageWidth() > MAX_SIDE
          || grabber.getImageHeight() > MAX_SIDE) {
        throw DatasetFormatException.forSample(
            sampleId,
            file.toString(),
            "",
            "no decodable video stream of a sane size ("
                + grabber.getImageWidth()
                + "x"
                + grabber.getImageHeight()
                + ")");
      }
      int n = 0;
      while (grabber.grabImage() != null) {
        if (++n > MAX_FRAMES) {
          throw DatasetFormatException.forSample(
              sampleId, file.toString(), "", "more than " + MAX_FRAMES + " frames");
        }
      }
      grabber.stop();
      if (n == 0) {
        throw DatasetFormatException.forSample(
            sampleId, file.toString(), "", "no decodable frame (truncated or corrupt video)");
      }
      return n;
    } catch (FrameGrabber.Exception | RuntimeException e) {
      if (e instanceof DatasetFormatException d) {
        throw d;
      }
      throw DatasetFormatException.forSample(
          sampleId, file.toString(), "", "cannot decode video: " + oneLine(e));
    }
  }

  private static RgbImage toRgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] rgb = new byte[w * h * 3];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int p = row[x];
        int o = (y * w + x) * 3;
        rgb[o] = (byte) (p >> 16);
        rgb[o + 1] = (byte) (p >> 8);
        rgb[o + 2] = (byte) p;
      }
    }
    return new RgbImage(w, h, rgb);
  }

  private static String oneLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
