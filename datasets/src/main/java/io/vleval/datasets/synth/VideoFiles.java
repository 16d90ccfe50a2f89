package io.vleval.datasets.synth;

import io.vleval.api.sample.RgbImage;
import io.vleval.datasets.failure.FailureText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Writes generated clips as MP4 (MPEG-4 part 2, FFmpeg's own encoder, one thread: same bytes every
 * time).
 */
final class VideoFiles {
  private VideoFiles() {}

  static void writeMp4(List<RgbImage> frames, Path file, int fps) throws IOException {
    Files.createDirectories(file.getParent());
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    RgbImage first = frames.get(0);
    try (FFmpegFrameRecorder recorder =
            new FFmpegFrameRecorder(file.toFile(), first.width(), first.height());
        Java2DFrameConverter converter = new Java2DFrameConverter()) {
      recorder.setFormat("mp4");
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      recorder.setFrameRate(fps);
      recorder.setVideoQuality(3);
      recorder.setVideoOption("threads", "1");
      // no creation time or encoder string that could differ between runs
      recorder.setMetadata("creation_time", "1970-01-01T00:00:00Z");
      recorder.setOption("fflags", "+bitexact");
      recorder.setVideoOption("flags", "+bitexact");
      recorder.start();
      for (RgbImage frame : frames) {
        recorder.record(converter.convert(ImageFiles.toBuffered(frame)));
      }
      recorder.stop();
    } catch (FrameRecorder.Exception e) {
      throw new IOException(file + ": cannot write video: " + FailureText.of(e), e);
    }
  }
}
