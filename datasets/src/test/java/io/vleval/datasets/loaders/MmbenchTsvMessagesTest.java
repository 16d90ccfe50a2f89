package io.vleval.datasets.loaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.SampleCursor;
import io.vleval.datasets.mmbench.MmbenchTsvProvider;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MMBench TSV messages: plain words, plain numbers, and no echo of what is not an image. */
class MmbenchTsvMessagesTest {

  private static final String HEADER =
      "index\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\tl2-category\tsplit\timage\n";

  @TempDir Path temp;

  private PluginContext context() {
    return new PluginContext(0, temp.resolve("cache"), 1);
  }

  @Test
  void aBrokenQuoteFarDownTheFileIsNamedInPlainWordsAndNumbers() throws IOException {
    StringBuilder tsv = new StringBuilder(HEADER);
    for (int i = 0; i < 7200; i++) {
      tsv.append(i).append("\tWhich?\t\tx\ty\t\t\tA\tc\tl2\tdev\t\n");
    }
    tsv.append("7200\t\"Which\"?\t\tx\ty\t\t\tA\tc\tl2\tdev\t\n");
    Path file = temp.resolve("mm.tsv");
    Files.writeString(file, tsv);
    assertThatThrownBy(
            () -> new MmbenchTsvProvider().open(new MmbenchTsvProvider.Spec(file), context()))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(
            file
                + ": row 7201 (from line 7202): malformed TSV: a quoted field is not closed, or a"
                + " character follows its closing quote; expected tab-separated fields, a field"
                + " holding a tab, a line break or a quote written as \"...\" with inner quotes"
                + " doubled");
  }

  @Test
  void anUnnamedColumnIsAllowedAndARepeatedOneIsAFormatError() throws IOException {
    Path file = temp.resolve("mm.tsv");
    Files.writeString(file, "\tindex\tquestion\tA\tB\timage\n7\t0\tq\tx\ty\t\n");
    assertThat(
            new MmbenchTsvProvider()
                .open(new MmbenchTsvProvider.Spec(file), context())
                .info()
                .size())
        .isEqualTo(1);
    Files.writeString(file, "index\tquestion\tA\tB\tA\timage\n0\tq\tx\ty\tz\t\n");
    assertThatThrownBy(
            () -> new MmbenchTsvProvider().open(new MmbenchTsvProvider.Spec(file), context()))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageStartingWith(file + ": line 1: malformed header: ")
        .hasMessageNotContaining("Exception");
  }

  @Test
  void base64ThatIsNotAnImageIsNotEchoed() throws IOException {
    Path file = temp.resolve("mm.tsv");
    String secret = Base64.getEncoder().encodeToString("root:x:0:0:hidden".getBytes());
    Files.writeString(
        file,
        HEADER
            + "0\tWhich?\t\tx\ty\t\t\tA\tc\tl2\tdev\t"
            + secret
            + "\n"
            + "1\tWhich?\t\tx\ty\t\t\tA\tc\tl2\tdev\tQUJD=QUJD\n");
    Dataset<MultipleChoiceQuestion> d =
        new MmbenchTsvProvider().open(new MmbenchTsvProvider.Spec(file), context());
    try (SampleCursor<MultipleChoiceQuestion> c = d.samples()) {
      MultipleChoiceQuestion notImage = c.next();
      assertThatThrownBy(() -> notImage.image().load())
          .hasMessage(
              file
                  + ": row 1 (index 0): not a JPEG or PNG image: it starts with neither the JPEG"
                  + " signature (FF D8 FF) nor the PNG signature (89 50 4E 47 0D 0A 1A 0A)");
      MultipleChoiceQuestion notBase64 = c.next();
      assertThatThrownBy(() -> notBase64.image().load())
          .hasMessage(
              file
                  + ": row 2 (index 1): image is not valid base64, expected the image file's"
                  + " bytes in base64 (A-Z, a-z, 0-9, +, / and = padding)")
          .satisfies(
              e -> assertThat(e.getMessage()).doesNotContain("Illegal", "QUJD", "ending unit"));
    }
  }

  /**
   * Rows that share an image (circular variants, several questions about one picture) name one
   * origin, the row that holds the image, so whatever caches decoded images by origin decodes it
   * once.
   */
  @Test
  void rowsSharingAnImageNameTheRowThatHoldsIt() throws IOException {
    Path file = temp.resolve("mm.tsv");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_3BYTE_BGR), "png", bytes);
    String png = Base64.getEncoder().encodeToString(bytes.toByteArray());
    Files.writeString(
        file,
        HEADER
            + "3\tWhich?\t\tx\ty\t\t\tA\tc\tl2\tdev\t"
            + png
            + "\n"
            + "4\tWhich?\t\ty\tx\t\t\tB\tc\tl2\tdev\t3\n"
            + "5\tWhere?\t\ty\tx\t\t\tB\tc\tl2\tdev\t"
            + png
            + "\n");
    List<MultipleChoiceQuestion> rows = new ArrayList<>();
    try (SampleCursor<MultipleChoiceQuestion> c =
        new MmbenchTsvProvider().open(new MmbenchTsvProvider.Spec(file), context()).samples()) {
      c.forEachRemaining(rows::add);
    }
    assertThat(rows.get(0).image().origin()).isEqualTo(file + ": row 1 (index 3)");
    assertThat(rows.get(1).image().origin()).isEqualTo(rows.get(0).image().origin());
    assertThat(rows.get(2).image().origin()).isEqualTo(file + ": row 3 (index 5)");
    assertThat(rows.get(1).image().load().rgb()).isEqualTo(rows.get(0).image().load().rgb());
  }
}
