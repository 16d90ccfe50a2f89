package io.vleval.datasets.video;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.timing.Phase;
import io.vleval.api.timing.PhaseTimer;
import io.vleval.datasets.failure.FailureText;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Decodes the frames of a clip that a {@link FrameSampling.Rule} picks. Frames are decoded in order
 * and only the chosen ones are kept, so memory stays at the sampled frames whatever the clip's
 * length. Any failure is one line naming the file.
 */
public final class VideoDecoder {

  /** Clips with more frames than this are refused rather than read forever. */
  public static final int MAX_FRAMES = 1_000_000;

  /** Frames larger than this (either side) are refused before decoding. */
  public static final int MAX_SIDE = 8192;

  /** JavaCV's {@code "avformat_open_input() error -1094995529: Could not open input ..."}. */
  private static final Pattern FFMPEG_CALL =
      Pattern.compile("^\\s*[a-z0-9_]+\\(\\) error(?: (-?\\d{1,10}))?\\s*:?\\s*");

  /** The clip's frames by {@link FrameSampling.Rule#CLAMPED}, which never refuses a clip. */
  public List<RgbImage> sample(Path file, int frames, String sampleId) {
    return sample(file, frames, sampleId, FrameSampling.Rule.CLAMPED);
  }

  /**
   * The {@code frames} frames {@code rule} picks from the clip, counted in the frames that really
   * decode; a clip the rule refuses is a malformed sample naming the file and the reason.
   */
  public List<RgbImage> sample(Path file, int frames, String sampleId, FrameSampling.Rule rule) {
    return PhaseTimer.time(Phase.DECODE, () -> decodeFrames(file, frames, sampleId, rule));
  }

  private List<RgbImage> decodeFrames(
      Path file, int frames, String sampleId, FrameSampling.Rule rule) {
    if (!Files.isRegularFile(file)) {
      throw DatasetFormatException.forSample(sampleId, file.toString(), "", "video file not found");
    }
    avutil.av_log_set_level(avutil.AV_LOG_QUIET);
    // first pass: count the frames that really decode (container frame counts can lie)
    int count = countFrames(file, sampleId);
    String refusal = rule.refusal(count, frames);
    if (refusal != null) {
      throw DatasetFormatException.forSample(sampleId, file.toString(), "", refusal);
    }
    int[] wanted = rule.indices(count, frames);
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
      throw undecodable(sampleId, file, e);
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
            "no video stream of a usable size (found "
                + grabber.getImageWidth()
                + "x"
                + grabber.getImageHeight()
                + "; expected 1 to "
                + MAX_SIDE
                + " px a side)");
      }
      int n = 0;
      while (grabber.grabImage() != null) {
        if (++n > MAX_FRAMES) {
          throw DatasetFormatException.forSample(
              sampleId,
              file.toString(),
              "",
              "more than " + MAX_FRAMES + " frames; expected a clip of at most that many");
        }
      }
      grabber.stop();
      if (n == 0) {
        throw DatasetFormatException.forSample(
            sampleId,
            file.toString(),
            "",
            "no frame decodes (a truncated or corrupt video); expected at least one frame");
      }
      return n;
    } catch (FrameGrabber.Exception | RuntimeException e) {
      if (e instanceof DatasetFormatException d) {
        throw d;
      }
      throw undecodable(sampleId, file, e);
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

  /**
   * What FFmpeg (through JavaCV) reported, in plain words: the failing step and FFmpeg's own text
   * for its error code, without JavaCV's hints to developers ("Has setFormat() been called?") or
   * the file name repeated.
   */
  static String describe(Exception e, Path file) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    int nl = m.indexOf('\n');
    if (nl >= 0) {
      m = m.substring(0, nl);
    }
    m =
        FailureText.plain(m)
            .replace(" \"" + file + "\"", "")
            .replace("\"" + file + "\"", "the file");
    Matcher call = FFMPEG_CALL.matcher(m);
    if (call.find()) {
      String code = call.group(1);
      String what = m.substring(call.end()).strip();
      StringBuilder sb = new StringBuilder(FailureText.lowerFirst(stripEnd(what)));
      if (code != null) {
        long value = Long.parseLong(code);
        String ffmpeg =
            value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE
                ? ffmpegError((int) value)
                : "";
        sb.append(" (FFmpeg error ").append(code);
        if (!ffmpeg.isEmpty()) {
          sb.append(": ").append(FailureText.lowerFirst(ffmpeg));
        }
        sb.append(')');
      }
      return sb.toString();
    }
    String plain = FailureText.lowerFirst(stripEnd(m));
    return plain.isEmpty() ? FailureText.of(e) : plain;
  }

  private static String ffmpegError(int code) {
    try (BytePointer buffer = new BytePointer(256)) {
      if (avutil.av_strerror(code, buffer, buffer.capacity()) < 0) {
        return "";
      }
      byte[] text = new byte[(int) buffer.capacity()];
      buffer.get(text);
      int end = 0;
      while (end < text.length && text[end] != 0) {
        end++;
      }
      return new String(text, 0, end, StandardCharsets.UTF_8).strip();
    }
  }

  private static String stripEnd(String s) {
    String t = s.strip();
    while (t.endsWith(".") || t.endsWith(":") || t.endsWith("!")) {
      t = t.substring(0, t.length() - 1).strip();
    }
    return t;
  }

  private static DatasetFormatException undecodable(String sampleId, Path file, Exception e) {
    return DatasetFormatException.forSample(
        sampleId,
        file.toString(),
        "",
        "cannot decode the video: "
            + describe(e, file)
            + "; expected a video FFmpeg can decode (MP4, WebM, MKV...)");
  }
}
