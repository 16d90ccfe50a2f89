package io.vleval.datasets.kinetics;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetInfo;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.LabelledVideo;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.VideoSource;
import io.vleval.api.spec.Doc;
import io.vleval.api.spec.MustExist;
import io.vleval.api.spec.Required;
import io.vleval.datasets.layout.Cursors;
import io.vleval.datasets.layout.DatasetRoot;
import io.vleval.datasets.layout.Fingerprint;
import io.vleval.datasets.video.VideoDecoder;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kinetics-400/600/700: the CSV ({@code label,youtube_id,time_start,time_end,split}) and clips
 * named {@code <youtube_id>_<start:06d>_<end:06d>.<ext>} in one folder. Labels are indexed in
 * sorted order of the label names. Clips listed but missing on disk are left out, counted, and
 * reported in the results' provenance, as users of the public releases expect (a few percent are
 * gone). How many frames are sampled is the task's protocol setting; see {@link
 * io.vleval.datasets.video.FrameSampling}.
 */
public final class KineticsProvider implements DatasetProvider<KineticsProvider.Spec> {

  private static final Logger LOG = LoggerFactory.getLogger(KineticsProvider.class);

  /** Options of the Kinetics loader. */
  public record Spec(
      @Doc("the annotation CSV (e.g. val.csv)") @Required @MustExist Path annotations,
      @Doc("the folder holding the clips") @Required @MustExist Path videos,
      @Doc("file extensions tried, in order (default [mp4, webm, mkv])") List<String> extensions) {
    public Spec {
      extensions =
          extensions == null || extensions.isEmpty()
              ? List.of("mp4", "webm", "mkv")
              : List.copyOf(extensions);
    }
  }

  @Override
  public String type() {
    return "kinetics";
  }

  @Override
  public String description() {
    return "Kinetics CSV + clips (<youtube_id>_<start>_<end>.mp4), missing clips counted";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType(Spec spec) {
    return LabelledVideo.class;
  }

  private record Row(String id, String label, String relative) {}

  @Override
  public Dataset<LabelledVideo> open(Spec spec, PluginContext context) {
    Path csv = spec.annotations().toAbsolutePath().normalize();
    DatasetRoot videos = new DatasetRoot(spec.videos());
    List<Row> rows = new ArrayList<>();
    TreeSet<String> labelSet = new TreeSet<>();
    int missing = 0;
    Fingerprint fp = new Fingerprint("kinetics/1").addFileContent(csv);
    try (Reader in = Files.newBufferedReader(csv);
        CSVParser parser =
            CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
      Map<String, Integer> header = parser.getHeaderMap();
      for (String column : List.of("label", "youtube_id", "time_start", "time_end")) {
        if (!header.containsKey(column)) {
          throw new DatasetFormatException(
              csv.toString(),
              "line 1",
              "missing column '"
                  + column
                  + "' (expected label,youtube_id,time_start,time_end,split)");
        }
      }
      for (CSVRecord r : parser) {
        String place = "line " + parser.getCurrentLineNumber();
        if (!r.isConsistent()) {
          throw new DatasetFormatException(
              csv.toString(), place, "expected " + header.size() + " fields, found " + r.size());
        }
        int start;
        int end;
        try {
          start = Integer.parseInt(r.get("time_start").strip());
          end = Integer.parseInt(r.get("time_end").strip());
        } catch (NumberFormatException e) {
          throw new DatasetFormatException(
              csv.toString(), place, "time_start and time_end must be whole seconds");
        }
        String id = String.format("%s_%06d_%06d", r.get("youtube_id").strip(), start, end);
        Path found = null;
        for (String ext : spec.extensions()) {
          Path candidate = videos.resolve(id + "." + ext, csv.toString(), place, id);
          if (Files.isRegularFile(candidate)) {
            found = candidate;
            break;
          }
        }
        labelSet.add(r.get("label"));
        if (found == null) {
          missing++;
          continue;
        }
        rows.add(new Row(id, r.get("label"), videos.path().relativize(found).toString()));
        fp.addFileEntry(videos.path(), found);
      }
    } catch (IOException | IllegalStateException | IllegalArgumentException e) {
      throw new DatasetFormatException(csv.toString(), "", "cannot parse CSV: " + e.getMessage());
    }
    if (rows.isEmpty()) {
      throw new DatasetFormatException(
          csv.toString(),
          "",
          "none of the " + missing + " clips it lists exist under " + videos.path());
    }
    List<String> labels = new ArrayList<>(labelSet);
    List<String> warnings = new ArrayList<>();
    if (missing > 0) {
      String w =
          missing
              + " of "
              + (missing + rows.size())
              + " clips listed in "
              + csv.getFileName()
              + " are missing under "
              + videos.path();
      warnings.add(w);
      LOG.warn(w);
    }
    DatasetInfo info =
        new DatasetInfo(fp.hex(), rows.size(), labels, videos.path().toString(), warnings);
    VideoDecoder decoder = new VideoDecoder();
    return Dataset.of(
        LabelledVideo.class,
        info,
        () -> {
          return Cursors.indexed(
              rows.size(),
              i -> {
                Row row = rows.get(i);
                Path file = videos.path().resolve(row.relative());
                VideoSource source =
                    new VideoSource() {
                      @Override
                      public List<RgbImage> frames(int count) {
                        return decoder.sample(file, count, row.id());
                      }

                      @Override
                      public String origin() {
                        return file.toString();
                      }
                    };
                return new LabelledVideo(row.id(), source, labels.indexOf(row.label()));
              });
        });
  }
}
