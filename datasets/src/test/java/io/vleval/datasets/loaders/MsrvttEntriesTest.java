package io.vleval.datasets.loaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedVideo;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.SampleCursor;
import io.vleval.datasets.msrvtt.MsrvttProvider;
import io.vleval.datasets.synth.SuiteFixture;
import io.vleval.datasets.video.FrameSampling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MSR-VTT loader reads the reference script's metadata list: each entry one clip, each
 * malformed entry a malformed sample raised when reached, named by index and line.
 */
class MsrvttEntriesTest {

  @TempDir Path temp;

  private final Path videos = SuiteFixture.tiny().resolve("msrvtt/videos/all");

  private PluginContext context() {
    return new PluginContext(0, temp.resolve("cache"), 1);
  }

  private Dataset<CaptionedVideo> open(String json, FrameSampling.Rule rule) throws IOException {
    Path file = temp.resolve("msrvtt_test1k.json");
    Files.writeString(file, json);
    return new MsrvttProvider().open(new MsrvttProvider.Spec(file, videos, rule), context());
  }

  private Dataset<CaptionedVideo> open(String json) throws IOException {
    return open(json, null);
  }

  /** Every entry: "id: captions", or "! id message" for a malformed one. */
  private static List<String> walk(Dataset<CaptionedVideo> d) {
    List<String> out = new ArrayList<>();
    try (SampleCursor<CaptionedVideo> c = d.samples()) {
      while (c.hasNext()) {
        try {
          CaptionedVideo v = c.next();
          out.add(v.id() + ": " + String.join(" | ", v.captions()));
        } catch (DatasetFormatException e) {
          out.add("! " + e.sampleId() + " " + e.getMessage());
        }
      }
    }
    return out;
  }

  @Test
  void theSyntheticPartReadsAsTheReferenceListsIt() throws IOException {
    Path file = SuiteFixture.tiny().resolve("msrvtt/msrvtt_test1k.json");
    JsonNode list = new ObjectMapper().readTree(file.toFile());
    Dataset<CaptionedVideo> d =
        new MsrvttProvider().open(new MsrvttProvider.Spec(file, videos, null), context());
    assertThat(d.info().size()).isEqualTo(list.size()).isEqualTo(12);
    List<String> expected = new ArrayList<>();
    for (JsonNode e : list) {
      expected.add(e.get("video").asText() + ": " + e.get("caption").asText());
    }
    assertThat(walk(d)).containsExactlyElementsOf(expected);
    try (SampleCursor<CaptionedVideo> c = d.samples()) {
      List<RgbImage> frames = c.next().video().frames(8);
      assertThat(frames).hasSize(8);
      assertThat(frames.get(0).width()).isEqualTo(112);
    }
    assertThat(d.info().warnings()).isEmpty();
  }

  @Test
  void eachMalformedEntryIsRaisedWhenReachedAndTheOthersStillLoad() throws IOException {
    Path file = temp.resolve("msrvtt_test1k.json");
    Dataset<CaptionedVideo> d =
        open(
            String.join(
                "\n",
                "[",
                "  {\"video\": \"video0.mp4\", \"caption\": \"a red circle\", \"duration\": 10},",
                "  \"video1.mp4\",",
                "  {\"caption\": \"no video\"},",
                "  {\"video\": 7020, \"caption\": \"a number\"},",
                "  {\"video\": \"../../etc/passwd\", \"caption\": \"out\"},",
                "  {\"video\": \"video1.mp4\"},",
                "  {\"video\": \"video2.mp4\", \"caption\": 3},",
                "  {\"video\": \"video3.mp4\", \"caption\": \"  \"},",
                "  {\"video\": \"video4.mp4\", \"caption\": [\"one\", 2]},",
                "  {\"video\": \"video99.mp4\", \"caption\": \"not on disk\"},",
                "  {\"video\": \"video5.mp4\", \"caption\": [\"first\", \"second\"]}",
                "]",
                ""));
    assertThat(d.info().size()).isEqualTo(11);
    String f = file + ": ";
    assertThat(walk(d))
        .containsExactly(
            "video0.mp4: a red circle",
            "! entry-1 "
                + f
                + "[1] (line 3): expected an object with 'video' and 'caption', found the string"
                + " 'video1.mp4'",
            "! entry-2 "
                + f
                + "[2] (line 4): missing 'video', expected the clip's path relative to the video"
                + " folder (a string)",
            "! entry-3 "
                + f
                + "[3] (line 5): 'video' must be a string, found the integer 7020; expected the"
                + " clip's path relative to the video folder (a string)",
            "! entry-4 "
                + f
                + "[4] (line 6): path '../../etc/passwd' leaves the dataset root "
                + videos,
            "! video1.mp4 "
                + f
                + "[5] (line 7): missing 'caption', expected the caption text (a string, or a list"
                + " of strings)",
            "! video2.mp4 "
                + f
                + "[6] (line 8): 'caption' must be a string, found the integer 3; expected the"
                + " caption text (a string, or a list of strings)",
            "! video3.mp4 "
                + f
                + "[7] (line 9): 'caption' is empty; expected the caption text (a string, or a"
                + " list of strings)",
            "! video4.mp4 "
                + f
                + "[8] (line 10): 'caption'[1] must be a string, found the integer 2; expected the"
                + " caption text (a string, or a list of strings)",
            "! video99.mp4 "
                + f
                + "[9] (line 11): video file 'video99.mp4' not found under "
                + videos
                + "; expected the clip the entry names",
            "video5.mp4: first | second");
    assertThat(d.info().warnings())
        .containsExactly("1 of 3 videos listed in msrvtt_test1k.json are missing under " + videos);
  }

  @Test
  void aVideoListedAgainIsAnotherGalleryItemAndTheResultsSaySo() throws IOException {
    Dataset<CaptionedVideo> d =
        open(
            "[{\"video\": \"video0.mp4\", \"caption\": \"one\"},"
                + " {\"video\": \"video1.mp4\", \"caption\": \"two\"},"
                + " {\"video\": \"video0.mp4\", \"caption\": \"three\"}]");
    assertThat(walk(d))
        .containsExactly("video0.mp4: one", "video1.mp4: two", "video0.mp4#2: three");
    assertThat(d.info().warnings())
        .containsExactly(
            "1 video is listed more than once in msrvtt_test1k.json; as in the reference, each"
                + " entry is its own gallery item, with its own caption as its only match");
  }

  @Test
  void wholeFileProblemsStopAtOpen() throws IOException {
    Path file = temp.resolve("msrvtt_test1k.json");
    assertThatThrownBy(() -> open("{\"video\": \"video0.mp4\", \"caption\": \"x\"}"))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(
            file
                + ": line 1: expected a JSON list of {\"video\": ..., \"caption\": ...} objects,"
                + " found an object");
    assertThatThrownBy(() -> open("[]"))
        .hasMessage(file + ": is an empty list; expected one {video, caption} object a clip");
    assertThatThrownBy(() -> open("[{\"video\": \"video0.mp4\",\n \"caption\": }]"))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageStartingWith(file + ": line 2, column 13: invalid JSON: ");
    assertThatThrownBy(
            () ->
                open(
                    "[{\"video\": \"a.mp4\", \"caption\": \"x\"},"
                        + " {\"video\": \"b.mp4\", \"caption\": \"y\"}]"))
        .hasMessage(
            file
                + ": none of the 2 videos it lists exist under "
                + videos
                + "; expected 'videos' to be the folder the 'video' paths are relative to (the"
                + " reference's --video-root, e.g. MSRVTT/videos/all)");
  }

  @Test
  void aClipTheReferenceCannotSampleIsRefusedUnlessFramesAreClamped() throws IOException {
    String one = "[{\"video\": \"video0.mp4\", \"caption\": \"x\"}]";
    // the synthetic clips have 16 frames: 15 gives interval 2 and only 8 indices
    try (SampleCursor<CaptionedVideo> c = open(one).samples()) {
      CaptionedVideo v = c.next();
      assertThatThrownBy(() -> v.video().frames(15))
          .isInstanceOf(DatasetFormatException.class)
          .hasMessage(
              videos.resolve("video0.mp4")
                  + ": has 16 frames: the reference sampling of 15 frames (interval ceil(16 / 15)"
                  + " = 2, indices 0, 2, 4, ... + 1) gives 8 indices, not 15, and the reference"
                  + " script stops on such a clip; expected a clip of at least 15 frames, or sample"
                  + " fewer frames, or set frame_sampling: clamped to repeat frames")
          .satisfies(
              e -> assertThat(((DatasetFormatException) e).sampleId()).isEqualTo("video0.mp4"));
      assertThat(v.video().frames(8)).hasSize(8);
    }
    try (SampleCursor<CaptionedVideo> c = open(one, FrameSampling.Rule.CLAMPED).samples()) {
      assertThat(c.next().video().frames(15)).hasSize(15);
    }
  }

  @Test
  void theFingerprintFollowsTheListTheClipsAndTheSamplingRule() throws IOException {
    String one = "[{\"video\": \"video0.mp4\", \"caption\": \"x\"}]";
    String a = open(one).info().fingerprint();
    assertThat(open(one).info().fingerprint()).isEqualTo(a);
    assertThat(open(one, FrameSampling.Rule.CLAMPED).info().fingerprint()).isNotEqualTo(a);
    assertThat(open("[{\"video\": \"video1.mp4\", \"caption\": \"x\"}]").info().fingerprint())
        .isNotEqualTo(a);
  }

  @Test
  void aClipThatIsALinkLeadingOutOfTheVideoFolderIsRefusedUnread() throws IOException {
    Path root = Files.createDirectories(temp.resolve("all"));
    Files.copy(videos.resolve("video0.mp4"), root.resolve("video0.mp4"));
    Path outside = temp.resolve("outside.mp4");
    Files.copy(videos.resolve("video1.mp4"), outside);
    Symlinks.create(root.resolve("video1.mp4"), outside);
    Path file = temp.resolve("msrvtt_test1k.json");
    Files.writeString(
        file,
        "[{\"video\": \"video0.mp4\", \"caption\": \"in\"},\n"
            + " {\"video\": \"video1.mp4\", \"caption\": \"out\"}]");
    Dataset<CaptionedVideo> d =
        new MsrvttProvider().open(new MsrvttProvider.Spec(file, root, null), context());
    assertThat(walk(d))
        .containsExactly(
            "video0.mp4: in",
            "! entry-1 "
                + file
                + ": [1] (line 2): path 'video1.mp4' leads out of the dataset root "
                + root
                + " through a symbolic link; links must stay inside the root");
  }
}
