package io.vleval.datasets.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.DatasetFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A video that cannot be decoded: the file and what failed, without JavaCV's developer hints. */
class VideoDecoderMessagesTest {

  @TempDir Path tmp;

  @Test
  void aFileThatIsNotAVideoNamesTheFileAndFFmpegsReason() throws IOException {
    Path file = tmp.resolve("clip.mp4");
    Files.writeString(file, "not a video at all\n".repeat(20));
    assertThatThrownBy(() -> new VideoDecoder().sample(file, 8, "clip"))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(
            file
                + ": cannot decode the video: could not open input (FFmpeg error -1094995529:"
                + " invalid data found when processing input); expected a video FFmpeg can decode"
                + " (MP4, WebM, MKV...)")
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain("setFormat", "FFmpegLogCallback", "Has ", "Exception"));
  }

  @Test
  void developerHintsAreStrippedFromAnyJavaCvMessage() {
    Path file = Path.of("/data/v.mp4");
    Exception e =
        new Exception(
            "avcodec_open2() error -22: Could not open video codec. (For more details, make sure"
                + " FFmpegLogCallback.set() has been called.)");
    assertThat(VideoDecoder.describe(e, file))
        .isEqualTo("could not open video codec (FFmpeg error -22: invalid argument)");
    assertThat(
            VideoDecoder.describe(
                new Exception("Could not grab: No AVFormatContext. (Has start() been called?)"),
                file))
        .isEqualTo("could not grab: No AVFormatContext");
  }
}
