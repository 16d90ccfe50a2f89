package io.vleval.datasets.msrvtt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetInfo;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedVideo;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.VideoSource;
import io.vleval.api.spec.Doc;
import io.vleval.api.spec.MustExist;
import io.vleval.api.spec.Required;
import io.vleval.datasets.failure.FailureText;
import io.vleval.datasets.failure.JsonKinds;
import io.vleval.datasets.layout.Cursors;
import io.vleval.datasets.layout.DatasetRoot;
import io.vleval.datasets.layout.Fingerprint;
import io.vleval.datasets.video.FrameSampling;
import io.vleval.datasets.video.VideoDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MSR-VTT as the reference script {@code video_retrieval/test_msrvtt.py} reads it: its {@code
 * --metadata} file, a JSON list of objects whose {@code video} (a path relative to {@code
 * --video-root}, e.g. {@code video7020.mp4}) and {@code caption} it reads, other keys ignored (the
 * 1k-A test split is {@code msrvtt_test1k.json}: 1,000 entries, one caption each), and the clips in
 * the public {@code MSRVTT/videos/all/videoNNNN.mp4} folder.
 *
 * <p>Each entry is one sample, in file order, as the reference makes each entry one row of its text
 * x video score matrix, with its own caption as the only positive: an entry listing a video already
 * listed is another gallery item (its id gets {@code #2}, {@code #3}...), and the results warn
 * about it. A {@code caption} may also be a list of strings (other splits' files), each a text
 * query of that entry. An entry that is not an object, whose {@code video} or {@code caption} is
 * missing, empty or of the wrong type, whose path leaves the root, or whose clip is missing is a
 * malformed sample, raised when the cursor reaches it (so {@code on_error} decides), named by its
 * index and line. Frames are sampled as {@link FrameSampling.Rule} says ({@code frame_sampling}, by
 * default the reference's rule, which refuses a clip the reference script would stop on).
 */
public final class MsrvttProvider implements DatasetProvider<MsrvttProvider.Spec> {

  private static final Logger LOG = LoggerFactory.getLogger(MsrvttProvider.class);

  /** Options of the MSR-VTT loader. */
  public record Spec(
      @Doc(
              "the reference's --metadata: a JSON list of {video, caption} objects, e.g. msrvtt_test1k.json (1k-A)")
          @Required
          @MustExist
          Path annotations,
      @Doc(
              "the reference's --video-root, which 'video' paths are relative to, e.g. MSRVTT/videos/all")
          @Required
          @MustExist
          Path videos,
      @Doc(
              "reference (default): the reference script's frame indices, refusing a clip it would stop on; clamped: repeat the last frame instead")
          FrameSampling.Rule frameSampling) {
    public Spec {
      frameSampling = frameSampling == null ? FrameSampling.Rule.REFERENCE : frameSampling;
    }
  }

  @Override
  public String type() {
    return "msrvtt";
  }

  @Override
  public String description() {
    return "MSR-VTT retrieval as the reference script reads it: a JSON list of {video, caption} + clips (videos/all/videoNNNN.mp4)";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType(Spec spec) {
    return CaptionedVideo.class;
  }

  /**
   * One entry of the list: a clip with its captions, or a malformed entry whose {@code problem} is
   * raised (with its {@code place}) when the cursor reaches it.
   */
  private record Entry(
      String id, String relative, List<String> captions, String place, String problem) {
    static Entry broken(String id, String place, String problem) {
      return new Entry(id, null, List.of(), place, problem);
    }
  }

  /**
   * The entries of the file, how many name a clip that is not on disk (malformed entries, counted
   * apart) and how many videos are listed more than once.
   */
  private record Listing(List<Entry> entries, int missing, int repeated) {}

  @Override
  public Dataset<CaptionedVideo> open(Spec spec, PluginContext context) {
    Path file = spec.annotations().toAbsolutePath().normalize();
    DatasetRoot videos = new DatasetRoot(spec.videos());
    Fingerprint fp =
        new Fingerprint("msrvtt/1").addFileContent(file).add(spec.frameSampling().name());
    Listing listing = read(file, videos, fp);
    List<Entry> entries = listing.entries();
    long wellFormed = entries.stream().filter(e -> e.problem() == null).count();
    int missing = listing.missing();
    if (missing > 0 && wellFormed == 0) {
      throw new DatasetFormatException(
          file.toString(),
          "",
          "none of the "
              + missing
              + " videos it lists exist under "
              + videos.path()
              + "; expected 'videos' to be the folder the 'video' paths are relative to"
              + " (the reference's --video-root, e.g. MSRVTT/videos/all)");
    }
    List<String> warnings = new ArrayList<>();
    if (listing.repeated() > 0) {
      String w =
          listing.repeated()
              + (listing.repeated() == 1 ? " video is" : " videos are")
              + " listed more than once in "
              + file.getFileName()
              + "; as in the reference, each entry is its own gallery item, with its own"
              + " caption as its only match";
      warnings.add(w);
      LOG.warn(w);
    }
    if (missing > 0) {
      String w =
          missing
              + " of "
              + (wellFormed + missing)
              + " videos listed in "
              + file.getFileName()
              + " are missing under "
              + videos.path();
      warnings.add(w);
      LOG.warn(w);
    }
    DatasetInfo info =
        new DatasetInfo(fp.hex(), entries.size(), List.of(), videos.path().toString(), warnings);
    VideoDecoder decoder = new VideoDecoder();
    FrameSampling.Rule rule = spec.frameSampling();
    return Dataset.of(
        CaptionedVideo.class,
        info,
        () ->
            Cursors.indexed(
                entries.size(),
                i -> {
                  Entry e = entries.get(i);
                  if (e.problem() != null) {
                    throw DatasetFormatException.forSample(
                        e.id(), file.toString(), e.place(), e.problem());
                  }
                  Path clip = videos.path().resolve(e.relative()).normalize();
                  VideoSource source =
                      new VideoSource() {
                        @Override
                        public List<RgbImage> frames(int count) {
                          return decoder.sample(clip, count, e.id(), rule);
                        }

                        @Override
                        public String origin() {
                          return clip.toString();
                        }
                      };
                  return new CaptionedVideo(e.id(), source, e.captions());
                }));
  }

  private static Listing read(Path file, DatasetRoot videos, Fingerprint fp) {
    ObjectMapper mapper = new ObjectMapper();
    List<Entry> out = new ArrayList<>();
    Map<String, Integer> occurrences = new HashMap<>();
    int missing = 0;
    try (JsonParser p = new JsonFactory(mapper).createParser(file.toFile())) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_ARRAY) {
        throw new DatasetFormatException(
            file.toString(),
            "line " + p.currentLocation().getLineNr(),
            "expected a JSON list of {\"video\": ..., \"caption\": ...} objects, found "
                + (first == null ? "nothing" : JsonKinds.of(mapper.readTree(p))));
      }
      int index = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        JsonLocation at = p.currentLocation();
        JsonNode node = mapper.readTree(p);
        int i = index++;
        String place = "[" + i + "] (line " + at.getLineNr() + ")";
        Entry e = entry(node, i, place, videos, occurrences);
        if (e.problem() == null) {
          Path clip = videos.path().resolve(e.relative()).normalize();
          if (Files.isRegularFile(clip)) {
            fp.addFileEntry(videos.path(), clip);
          } else {
            missing++;
            e =
                Entry.broken(
                    e.id(),
                    place,
                    "video file '"
                        + e.relative()
                        + "' not found under "
                        + videos.path()
                        + "; expected the clip the entry names");
          }
        }
        out.add(e);
      }
      if (out.isEmpty()) {
        throw new DatasetFormatException(
            file.toString(), "", "is an empty list; expected one {video, caption} object a clip");
      }
    } catch (JsonProcessingException e) {
      throw FailureText.invalidJson(file, e);
    } catch (IOException e) {
      throw new DatasetFormatException(file.toString(), "", "cannot read: " + FailureText.of(e), e);
    }
    int repeated = (int) occurrences.values().stream().filter(n -> n > 1).count();
    return new Listing(out, missing, repeated);
  }

  private static Entry entry(
      JsonNode node, int index, String place, DatasetRoot videos, Map<String, Integer> seen) {
    String fallback = "entry-" + index;
    if (!node.isObject()) {
      return Entry.broken(
          fallback,
          place,
          "expected an object with 'video' and 'caption', found " + JsonKinds.of(node));
    }
    JsonNode video = node.get("video");
    String expectedVideo = "expected the clip's path relative to the video folder (a string)";
    if (video == null || video.isNull()) {
      return Entry.broken(fallback, place, "missing 'video', " + expectedVideo);
    }
    if (!video.isTextual()) {
      return Entry.broken(
          fallback,
          place,
          "'video' must be a string, found " + JsonKinds.of(video) + "; " + expectedVideo);
    }
    String relative = video.asText();
    String refusal = videos.refusal(relative);
    if (refusal != null) {
      return Entry.broken(fallback, place, refusal);
    }
    int n = seen.merge(relative, 1, Integer::sum);
    String id = n == 1 ? relative : relative + "#" + n;
    JsonNode caption = node.get("caption");
    String expectedCaption = "expected the caption text (a string, or a list of strings)";
    if (caption == null || caption.isNull()) {
      return Entry.broken(id, place, "missing 'caption', " + expectedCaption);
    }
    List<String> captions = new ArrayList<>();
    if (caption.isTextual()) {
      captions.add(caption.asText());
    } else if (caption.isArray() && !caption.isEmpty()) {
      for (int c = 0; c < caption.size(); c++) {
        JsonNode one = caption.get(c);
        if (!one.isTextual()) {
          return Entry.broken(
              id,
              place,
              "'caption'["
                  + c
                  + "] must be a string, found "
                  + JsonKinds.of(one)
                  + "; "
                  + expectedCaption);
        }
        captions.add(one.asText());
      }
    } else {
      return Entry.broken(
          id,
          place,
          "'caption' must be a string, found " + JsonKinds.of(caption) + "; " + expectedCaption);
    }
    for (int c = 0; c < captions.size(); c++) {
      if (captions.get(c).isBlank()) {
        return Entry.broken(
            id,
            place,
            (captions.size() == 1 ? "'caption' is empty" : "'caption'[" + c + "] is empty")
                + "; "
                + expectedCaption);
      }
    }
    return new Entry(id, relative, captions, place, null);
  }
}
