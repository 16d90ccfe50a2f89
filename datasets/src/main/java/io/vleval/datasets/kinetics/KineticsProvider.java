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
import io.vleval.datasets.failure.FailureText;
import io.vleval.datasets.layout.Cursors;
import io.vleval.datasets.layout.DatasetRoot;
import io.vleval.datasets.layout.Fingerprint;
import io.vleval.datasets.video.VideoDecoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kinetics-400/600/700: the CSV ({@code label,youtube_id,time_start,time_end,split}, the same
 * columns in the three releases; other columns such as the 2017 release's {@code is_cc} are
 * ignored) and clips named {@code <youtube_id>_<start:06d>_<end:06d>.<ext>}, in the videos folder
 * itself or in a folder per class ({@code <label>/}, or the label with its spaces as underscores,
 * as the Kinetics-700-2020 archives unpack). Labels are indexed in sorted order of the label names.
 * Clips listed but missing on disk are left out, counted, and reported in the results' provenance,
 * as users of the public releases expect (a few percent are gone). The CSV is read one clip a line;
 * a malformed row (wrong field count, broken quotes, empty label or id, times that are not whole
 * seconds or do not increase, a clip listed twice) is a malformed sample raised when the cursor
 * reaches it, so {@code on_error} decides what happens. How many frames are sampled is the task's
 * protocol setting; see {@link io.vleval.datasets.video.FrameSampling}.
 */
public final class KineticsProvider implements DatasetProvider<KineticsProvider.Spec> {

  private static final Logger LOG = LoggerFactory.getLogger(KineticsProvider.class);

  private static final List<String> REQUIRED =
      List.of("label", "youtube_id", "time_start", "time_end");

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
    return "Kinetics-400/600/700 CSV + clips (<youtube_id>_<start>_<end>.mp4, flat or in class folders), missing clips counted";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType(Spec spec) {
    return LabelledVideo.class;
  }

  /**
   * One row of the CSV: a clip found on disk, or a malformed row, whose {@code problem} is raised
   * (with its {@code place}) when the cursor reaches it.
   */
  private record Row(String id, String label, String relative, String place, String problem) {
    static Row broken(int row, String place, String problem) {
      return new Row("row-" + row, null, null, place, problem);
    }
  }

  @Override
  public Dataset<LabelledVideo> open(Spec spec, PluginContext context) {
    Path csv = spec.annotations().toAbsolutePath().normalize();
    DatasetRoot videos = new DatasetRoot(spec.videos());
    List<Row> rows = new ArrayList<>();
    TreeSet<String> labelSet = new TreeSet<>();
    Map<String, Integer> firstRow = new HashMap<>();
    int wellFormed = 0;
    int missing = 0;
    Fingerprint fp = new Fingerprint("kinetics/1").addFileContent(csv);
    try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      Header header = header(csv, in.readLine());
      Map<String, Integer> columns = header.columns();
      int line = 1;
      int row = 0;
      String text;
      while ((text = in.readLine()) != null) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        row++;
        String place = "row " + row + " (line " + line + ")";
        List<String> fields = fields(text);
        if (fields == null) {
          rows.add(
              Row.broken(
                  row,
                  place,
                  "malformed CSV: unbalanced or misplaced double quotes; expected comma-separated"
                      + " fields, a field that holds a comma or a quote written as \"...\" with"
                      + " inner quotes doubled"));
          continue;
        }
        if (fields.size() != header.names().size()) {
          rows.add(
              Row.broken(
                  row,
                  place,
                  "expected "
                      + header.names().size()
                      + " fields ("
                      + String.join(",", header.names())
                      + "), found "
                      + fields.size()));
          continue;
        }
        String label = fields.get(columns.get("label"));
        String youtubeId = fields.get(columns.get("youtube_id")).strip();
        List<String> problems = new ArrayList<>();
        if (label.isBlank()) {
          problems.add("empty 'label', expected the class name");
        }
        if (youtubeId.isEmpty()) {
          problems.add("empty 'youtube_id', expected the clip's video id");
        }
        long start = seconds(fields.get(columns.get("time_start")), "time_start", problems);
        long end = seconds(fields.get(columns.get("time_end")), "time_end", problems);
        if (start >= 0 && end >= 0 && end <= start) {
          problems.add(
              "time_end " + end + " is not after time_start " + start + ", expected a later time");
        }
        if (!problems.isEmpty()) {
          rows.add(Row.broken(row, place, String.join("; ", problems)));
          continue;
        }
        String id = String.format(Locale.ROOT, "%s_%06d_%06d", youtubeId, start, end);
        Integer first = firstRow.putIfAbsent(id, row);
        if (first != null) {
          rows.add(
              Row.broken(
                  row,
                  place,
                  "clip "
                      + id
                      + " is listed again (first at row "
                      + first
                      + "), expected each clip once"));
          continue;
        }
        Path found = null;
        String refusal = null;
        for (String ext : spec.extensions()) {
          refusal = videos.refusal(id + "." + ext);
          if (refusal != null) {
            break;
          }
          Path candidate = videos.path().resolve(id + "." + ext).normalize();
          if (Files.isRegularFile(candidate)) {
            found = candidate;
            break;
          }
        }
        // the class-folder layout (videos/<label>/<clip>, as the Kinetics-700-2020 archives
        // unpack): the label as written, or with its spaces as underscores
        for (String folder : classFolders(label)) {
          for (String ext : spec.extensions()) {
            if (found != null || refusal != null) {
              break;
            }
            String relative = folder + "/" + id + "." + ext;
            refusal = videos.refusal(relative);
            Path candidate = videos.path().resolve(relative).normalize();
            if (refusal == null && Files.isRegularFile(candidate)) {
              found = candidate;
            }
          }
        }
        if (refusal != null) {
          rows.add(Row.broken(row, place, refusal));
          continue;
        }
        wellFormed++;
        labelSet.add(label);
        if (found == null) {
          missing++;
          continue;
        }
        rows.add(new Row(id, label, videos.path().relativize(found).toString(), null, null));
        fp.addFileEntry(videos.path(), found);
      }
      if (row == 0) {
        throw new DatasetFormatException(
            csv.toString(), "", "lists no clips (a header and no rows); expected one clip a row");
      }
    } catch (CharacterCodingException e) {
      throw new DatasetFormatException(csv.toString(), "", "not UTF-8 text", e);
    } catch (IOException e) {
      throw new DatasetFormatException(csv.toString(), "", "cannot read: " + FailureText.of(e), e);
    }
    if (wellFormed > 0 && wellFormed == missing) {
      throw new DatasetFormatException(
          csv.toString(),
          "",
          "none of the "
              + missing
              + " clips it lists exist under "
              + videos.path()
              + (rows.isEmpty()
                  ? ""
                  : " (and "
                      + rows.size()
                      + (rows.size() == 1 ? " row is" : " rows are")
                      + " malformed)"));
    }
    List<String> labels = new ArrayList<>(labelSet);
    List<String> warnings = new ArrayList<>();
    if (missing > 0) {
      String w =
          missing
              + " of "
              + wellFormed
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
                if (row.problem() != null) {
                  throw DatasetFormatException.forSample(
                      row.id(), csv.toString(), row.place(), row.problem());
                }
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

  /** The header's columns: how many, and where each name first appears. */
  private record Header(List<String> names, Map<String, Integer> columns) {}

  /** The header, or a whole-file error naming every missing column. */
  private static Header header(Path csv, String line) {
    if (line == null || line.isBlank()) {
      throw new DatasetFormatException(
          csv.toString(),
          "line 1",
          "empty header, expected " + String.join(",", REQUIRED) + ",split");
    }
    List<String> names = fields(line.startsWith("\uFEFF") ? line.substring(1) : line);
    if (names == null) {
      throw new DatasetFormatException(
          csv.toString(), "line 1", "malformed CSV header: unbalanced or misplaced double quotes");
    }
    Map<String, Integer> columns = new LinkedHashMap<>();
    List<String> repeated = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i).strip();
      if (columns.putIfAbsent(name, i) != null && REQUIRED.contains(name)) {
        repeated.add(name);
      }
    }
    if (!repeated.isEmpty()) {
      throw new DatasetFormatException(
          csv.toString(),
          "line 1",
          "column '"
              + String.join("', '", repeated)
              + (repeated.size() == 1 ? "' appears" : "' appear")
              + " more than once; expected each of label,youtube_id,time_start,time_end once");
    }
    List<String> absent = REQUIRED.stream().filter(c -> !columns.containsKey(c)).toList();
    if (!absent.isEmpty()) {
      throw new DatasetFormatException(
          csv.toString(),
          "line 1",
          (absent.size() == 1 ? "missing column '" : "missing columns '")
              + String.join("', '", absent)
              + "' (expected label,youtube_id,time_start,time_end,split)");
    }
    return new Header(names, columns);
  }

  /**
   * The class folders a clip of {@code label} may sit in: the label as written and with its spaces
   * as underscores; none for a label that is not one plain folder name.
   */
  private static List<String> classFolders(String label) {
    String name = label.strip();
    if (name.isEmpty()
        || name.equals(".")
        || name.equals("..")
        || name.contains("/")
        || name.contains("\\")
        || name.indexOf('\0') >= 0) {
      return List.of();
    }
    String underscored = name.replace(' ', '_');
    return underscored.equals(name) ? List.of(name) : List.of(name, underscored);
  }

  /** The fields of one CSV line, or {@code null} when its quotes are malformed. */
  private static List<String> fields(String line) {
    // one line at a time, so a stray quote spoils its own row only, never the rows after it
    try (CSVParser parser = CSVFormat.DEFAULT.parse(new StringReader(line))) {
      List<CSVRecord> records = parser.getRecords();
      return records.size() == 1 ? records.get(0).toList() : null;
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      return null;
    }
  }

  /** Whole non-negative seconds, or -1 with the problem added. */
  private static long seconds(String value, String column, List<String> problems) {
    String v = value.strip();
    if (v.matches("\\d{1,9}")) {
      return Long.parseLong(v);
    }
    problems.add(
        column
            + (v.isEmpty() ? " is empty" : " is '" + v + "'")
            + ", expected a whole number of seconds from 0");
    return -1;
  }
}
