package io.vleval.datasets.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.DatasetFormatException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import javax.imageio.ImageIO;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user reads when an image cannot be decoded: the file, what is wrong and what was expected,
 * in plain words; no Java class names, and never the bytes of a file that is not an image.
 */
class DecoderMessagesTest {

  @TempDir Path tmp;

  private final ImageDecoder decoder = ImageDecoder.create();

  private Path png() throws IOException {
    BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        image.setRGB(x, y, x * 7919 + y * 104729);
      }
    }
    Path file = tmp.resolve("whole.png");
    ImageIO.write(image, "png", file.toFile());
    return file;
  }

  private AbstractThrowableAssert<?, ? extends Throwable> assertPlain(Path file) {
    return assertThatThrownBy(() -> decoder.decode(file))
        .isInstanceOf(DatasetFormatException.class)
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain("Exception", "java.", "javax.", "\n", "!")
                    .doesNotContainPattern("\\d,\\d{3}"));
  }

  @Test
  void truncatedPngsSayTheyAreTruncatedWithoutClassNames() throws IOException {
    byte[] png = Files.readAllBytes(png());
    for (int keep : new int[] {10, 30, png.length / 2}) {
      Path cut = tmp.resolve("cut" + keep + ".png");
      Files.write(cut, Arrays.copyOf(png, keep));
      assertPlain(cut)
          .hasMessage(
              cut
                  + ": truncated PNG image: the file ends before the image data does ("
                  + keep
                  + " bytes); expected a complete PNG file");
    }
  }

  @Test
  void corruptImagesQuoteTheDecoderInPlainWords() throws IOException {
    byte[] png = Files.readAllBytes(png());
    png[26] = 7; // IHDR's compression method: only 0 exists
    Path file = tmp.resolve("corrupt.png");
    Files.write(file, png);
    assertPlain(file)
        .hasMessageStartingWith(file + ": corrupt or unsupported PNG image (the decoder reports: ")
        .hasMessageEndingWith("); expected a PNG file that an image viewer opens");
  }

  @Test
  void aFileThatIsNotAnImageIsDescribedNeverQuoted() throws IOException {
    String secret = "root:x:0:0:root:/root:/bin/bash\n";
    Path file = tmp.resolve("passwd.jpg");
    Files.writeString(file, secret);
    String hex = HexFormat.of().formatHex(secret.getBytes(StandardCharsets.US_ASCII), 0, 8);
    assertPlain(file)
        .hasMessage(
            file
                + ": not a JPEG or PNG image: it starts with neither the JPEG signature (FF D8 FF)"
                + " nor the PNG signature (89 50 4E 47 0D 0A 1A 0A)")
        .hasMessageNotContaining(hex)
        .hasMessageNotContaining("root:");
  }

  @Test
  void otherImageFormatsAreNamed() throws IOException {
    BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR);
    Path bmp = tmp.resolve("x.bmp");
    ImageIO.write(image, "bmp", bmp.toFile());
    assertPlain(bmp)
        .hasMessage(bmp + ": a BMP image, which is not read; expected a JPEG or PNG image");
    Path webp = tmp.resolve("x.webp");
    Files.write(webp, "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII));
    assertPlain(webp).hasMessageContaining(": a WebP image, which is not read");
  }

  @Test
  void aFileThatCannotBeReadIsAFormatErrorNotAnInternalOne() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("folder.jpg"));
    assertPlain(dir).hasMessage(dir + ": cannot read the image file: is a directory");
  }
}
