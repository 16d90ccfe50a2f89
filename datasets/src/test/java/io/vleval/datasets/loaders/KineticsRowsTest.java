package io.vleval.datasets.loaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.LabelledVideo;
import io.vleval.api.sample.SampleCursor;
import io.vleval.datasets.kinetics.KineticsProvider;
import io.vleval.datasets.synth.SuiteFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kinetics CSV: each malformed row is a malformed sample, raised when reached. */
class KineticsRowsTest {

  @TempDir Path temp;

  private final Path videos = SuiteFixture.tiny().resolve("kinetics/videos/val");

  private PluginContext context() {
    return new PluginContext(0, temp.resolve("cache"), 1);
  }

  private List<String> suiteRows() throws IOException {
    List<String> lines = Files.readAllLines(SuiteFixture.tiny().resolve("kinetics/val.csv"));
    return lines.subList(1, lines.size());
  }

  private Dataset<LabelledVideo> open(String csvText) throws IOException {
    Path csv = temp.resolve("val.csv");
    Files.writeString(csv, csvText);
    return new KineticsProvider().open(new KineticsProvider.Spec(csv, videos, null), context());
  }

  /** Every entry: the sample's id, or "! message" for a malformed one. */
  private static List<String> walk(Dataset<LabelledVideo> d) {
    List<String> out = new ArrayList<>();
    try (SampleCursor<LabelledVideo> c = d.samples()) {
      while (c.hasNext()) {
        try {
          out.add(c.next().id());
        } catch (DatasetFormatException e) {
          out.add("! " + e.sampleId() + " " + e.getMessage());
        }
      }
    }
    return out;
  }

  @Test
  void eachMalformedRowIsRaisedWhenReachedAndTheOthersStillLoad() throws IOException {
    String good = suiteRows().get(0);
    String[] f = good.split(",");
    String goodId =
        f[1]
            + "_"
            + String.format(
                Locale.ROOT, "%06d_%06d", Integer.parseInt(f[2]), Integer.parseInt(f[3]));
    Path csv = temp.resolve("val.csv");
    Dataset<LabelledVideo> d =
        open(
            String.join(
                "\n",
                "label,youtube_id,time_start,time_end,split",
                "growing,abc,ten,20,val",
                good,
                "growing,abc,10",
                "",
                "growing,,10,20,val",
                "growing,abc,20,10,val",
                "growing,\"abc\"x,10,20,val",
                good,
                "growing,../../etc/x,10,20,val",
                ""));

    assertThat(d.info().size()).isEqualTo(8);
    assertThat(walk(d))
        .containsExactly(
            "! row-1 "
                + csv
                + ": row 1 (line 2): time_start is 'ten', expected a whole number of seconds from"
                + " 0",
            goodId,
            "! row-3 "
                + csv
                + ": row 3 (line 4): expected 5 fields"
                + " (label,youtube_id,time_start,time_end,split), found 3",
            "! row-4 " + csv + ": row 4 (line 6): empty 'youtube_id', expected the clip's video id",
            "! row-5 "
                + csv
                + ": row 5 (line 7): time_end 10 is not after time_start 20, expected a later"
                + " time",
            "! row-6 "
                + csv
                + ": row 6 (line 8): malformed CSV: unbalanced or misplaced double quotes;"
                + " expected comma-separated fields, a field that holds a comma or a quote"
                + " written as \"...\" with inner quotes doubled",
            "! row-7 "
                + csv
                + ": row 7 (line 9): clip "
                + goodId
                + " is listed again (first at row 2), expected each clip once",
            "! row-8 "
                + csv
                + ": row 8 (line 10): path '../../etc/x_000010_000020.mp4' leaves the dataset root "
                + videos);
  }

  @Test
  void aFileWithOnlyMalformedRowsStillOpensSoOnErrorDecides() throws IOException {
    Dataset<LabelledVideo> d =
        open("label,youtube_id,time_start,time_end,split\ngrowing,abc,,20,val\n");
    assertThat(walk(d))
        .singleElement()
        .asString()
        .endsWith(
            ": row 1 (line 2): time_start is empty, expected a whole number of seconds from 0");
  }

  @Test
  void wholeFileProblemsStopAtOpenNamingEveryMissingColumn() throws IOException {
    Path csv = temp.resolve("val.csv");
    assertThatThrownBy(() -> open("label,id,start,time_end\nx,y,1,2\n"))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(
            csv
                + ": line 1: missing columns 'youtube_id', 'time_start' (expected"
                + " label,youtube_id,time_start,time_end,split)");
    assertThatThrownBy(() -> open("label,youtube_id,time_start,time_end,label\nx,y,1,2,z\n"))
        .hasMessage(
            csv
                + ": line 1: column 'label' appears more than once; expected each of"
                + " label,youtube_id,time_start,time_end once");
    assertThatThrownBy(() -> open("label,youtube_id,time_start,time_end,split\n"))
        .hasMessage(csv + ": lists no clips (a header and no rows); expected one clip a row");
    Files.write(csv, new byte[] {'l', 'a', (byte) 0xC3, '\n'});
    assertThatThrownBy(
            () ->
                new KineticsProvider()
                    .open(new KineticsProvider.Spec(csv, videos, null), context()))
        .hasMessage(csv + ": not UTF-8 text");
  }

  @Test
  void aByteOrderMarkBeforeTheHeaderIsAccepted() throws IOException {
    Dataset<LabelledVideo> d =
        open(
            "\uFEFFlabel,youtube_id,time_start,time_end,split\n"
                + String.join("\n", suiteRows())
                + "\n");
    assertThat(walk(d)).hasSize(suiteRows().size()).noneMatch(s -> s.startsWith("!"));
  }

  @Test
  void clipNamesUseAsciiDigitsWhateverTheDefaultLocale() throws IOException {
    Locale before = Locale.getDefault();
    // Thai digits: String.format without Locale.ROOT would name the clips in them
    Locale.setDefault(Locale.forLanguageTag("th-TH-u-nu-thai"));
    try {
      Dataset<LabelledVideo> d =
          open(
              "label,youtube_id,time_start,time_end,split\n"
                  + String.join("\n", suiteRows())
                  + "\n");
      assertThat(walk(d))
          .hasSize(suiteRows().size())
          .allSatisfy(id -> assertThat(id).matches("[A-Za-z0-9_-]+_[0-9]{6}_[0-9]{6}"));
    } finally {
      Locale.setDefault(before);
    }
  }

  /**
   * Kinetics-600 and -700(-2020) list clips with Kinetics-400's columns ({@code
   * label,youtube_id,time_start,time_end,split}); columns beyond them, as the 2017 release's {@code
   * is_cc}, are ignored wherever they stand.
   */
  @Test
  void theSixHundredAndSevenHundredCsvsReadAsTheFourHundred() throws IOException {
    List<String> rows = suiteRows();
    assertThat(walk(open("label,youtube_id,time_start,time_end,split\n" + String.join("\n", rows))))
        .hasSize(rows.size())
        .noneMatch(s -> s.startsWith("!"));
    List<String> withCc = new ArrayList<>();
    for (String r : rows) {
      withCc.add("False," + r);
    }
    assertThat(
            walk(
                open(
                    "is_cc,label,youtube_id,time_start,time_end,split\n"
                        + String.join("\n", withCc))))
        .hasSize(rows.size())
        .noneMatch(s -> s.startsWith("!"));
  }

  /**
   * The class-folder layout ({@code videos/<label>/<clip>}, as the Kinetics-700-2020 archives
   * unpack), with the label as written or with its spaces as underscores, reads like the flat one.
   */
  @Test
  void clipsInAFolderPerClassAreFound() throws IOException {
    Path byClass = temp.resolve("by-class");
    List<String> rows = suiteRows();
    for (int i = 0; i < rows.size(); i++) {
      String[] f = rows.get(i).split(",");
      String clip =
          f[1]
              + "_"
              + String.format(
                  Locale.ROOT, "%06d_%06d", Integer.parseInt(f[2]), Integer.parseInt(f[3]))
              + ".mp4";
      String folder = i % 2 == 0 ? f[0] : f[0].replace(' ', '_');
      Files.createDirectories(byClass.resolve(folder));
      Files.copy(videos.resolve(clip), byClass.resolve(folder).resolve(clip));
    }
    Path csv = temp.resolve("val.csv");
    Files.writeString(
        csv, "label,youtube_id,time_start,time_end,split\n" + String.join("\n", rows) + "\n");
    Dataset<LabelledVideo> d =
        new KineticsProvider().open(new KineticsProvider.Spec(csv, byClass, null), context());
    assertThat(d.info().warnings()).isEmpty();
    assertThat(walk(d)).hasSize(rows.size()).noneMatch(s -> s.startsWith("!"));
    try (SampleCursor<LabelledVideo> c = d.samples()) {
      assertThat(c.next().video().frames(2)).hasSize(2);
    }
  }
}
