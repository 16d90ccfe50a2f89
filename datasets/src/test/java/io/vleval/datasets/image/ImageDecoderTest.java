package io.vleval.datasets.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding of every PNG and JPEG flavour the datasets meet, written here with ImageIO. */
class ImageDecoderTest {
  private static final int W = 7;
  private static final int H = 5;

  @TempDir Path tmp;

  private final ImageDecoder decoder = ImageDecoder.create();

  private static int r(int x, int y) {
    return (x * 37 + y * 11) & 0xFF;
  }

  private static int g(int x, int y) {
    return (x * 5 + y * 53 + 20) & 0xFF;
  }

  private static int b(int x, int y) {
    return (255 - x * 30 - y * 7) & 0xFF;
  }

  private Path write(BufferedImage image, String format, String name) throws IOException {
    Path file = tmp.resolve(name);
    assertThat(ImageIO.write(image, format, file.toFile()))
        .as("ImageIO can write " + name)
        .isTrue();
    return file;
  }

  private static void assertPattern(RgbImage img) {
    assertThat(img.width()).isEqualTo(W);
    assertThat(img.height()).isEqualTo(H);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        assertThat(new int[] {img.channel(x, y, 0), img.channel(x, y, 1), img.channel(x, y, 2)})
            .as("pixel (%d, %d)", x, y)
            .containsExactly(r(x, y), g(x, y), b(x, y));
      }
    }
  }

  @Test
  void png8BitRgb() throws IOException {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_3BYTE_BGR);
    fill(img.getRaster(), 1, false);
    assertPattern(decoder.decode(write(img, "png", "rgb.png")));
  }

  @Test
  void pngRgbaDropsAlphaWithoutCompositing() throws IOException {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_4BYTE_ABGR);
    fill(img.getRaster(), 1, true);
    assertPattern(decoder.decode(write(img, "png", "rgba.png")));
  }

  @Test
  void png16BitRgbKeepsHighByte() throws IOException {
    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_USHORT);
    WritableRaster raster = cm.createCompatibleWritableRaster(W, H);
    fill(raster, 257, false); // v * 257 + low noise keeps v in the high byte
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        raster.setSample(x, y, 0, raster.getSample(x, y, 0) | 0x7F);
      }
    }
    BufferedImage img = new BufferedImage(cm, raster, false, null);
    assertPattern(decoder.decode(write(img, "png", "rgb16.png")));
  }

  @Test
  void pngGreyAndGrey16AreReplicated() throws IOException {
    BufferedImage grey = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
    BufferedImage grey16 = new BufferedImage(W, H, BufferedImage.TYPE_USHORT_GRAY);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        grey.getRaster().setSample(x, y, 0, r(x, y));
        grey16.getRaster().setSample(x, y, 0, r(x, y) * 256 + 200);
      }
    }
    for (RgbImage img :
        new RgbImage[] {
          decoder.decode(write(grey, "png", "grey.png")),
          decoder.decode(write(grey16, "png", "grey16.png"))
        }) {
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          assertThat(new int[] {img.channel(x, y, 0), img.channel(x, y, 1), img.channel(x, y, 2)})
              .containsExactly(r(x, y), r(x, y), r(x, y));
        }
      }
    }
  }

  @Test
  void pngGreyAlphaDropsAlpha() throws IOException {
    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_GRAY),
            true,
            false,
            Transparency.TRANSLUCENT,
            DataBuffer.TYPE_BYTE);
    WritableRaster raster = cm.createCompatibleWritableRaster(W, H);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        raster.setSample(x, y, 0, g(x, y));
        raster.setSample(x, y, 1, x * 30);
      }
    }
    RgbImage img =
        decoder.decode(write(new BufferedImage(cm, raster, false, null), "png", "ga.png"));
    assertThat(img.channel(3, 2, 0)).isEqualTo(g(3, 2));
    assertThat(img.channel(3, 2, 2)).isEqualTo(g(3, 2));
    assertThat(img.channel(0, 4, 1)).isEqualTo(g(0, 4));
  }

  @Test
  void pngPaletteLooksUpColoursAndLabelMapKeepsIndices() throws IOException {
    byte[] red = new byte[256];
    byte[] green = new byte[256];
    byte[] blue = new byte[256];
    for (int i = 0; i < 256; i++) {
      red[i] = (byte) (255 - i);
      green[i] = (byte) (i * 3);
      blue[i] = (byte) 9;
    }
    IndexColorModel icm = new IndexColorModel(8, 256, red, green, blue);
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_INDEXED, icm);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        img.getRaster().setSample(x, y, 0, x + 10 * y);
      }
    }
    Path file = write(img, "png", "palette.png");

    RgbImage rgb = decoder.decode(file);
    assertThat(new int[] {rgb.channel(4, 3, 0), rgb.channel(4, 3, 1), rgb.channel(4, 3, 2)})
        .containsExactly(255 - 34, (34 * 3) & 0xFF, 9);

    LabelMap labels = decoder.decodeLabelMap(file);
    assertThat(labels.width()).isEqualTo(W);
    assertThat(labels.at(4, 3)).isEqualTo(34);
    assertThat(labels.at(6, 4)).isEqualTo(46);
  }

  @Test
  void labelMapRefusesColourImages() throws IOException {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_3BYTE_BGR);
    Path file = write(img, "png", "colour-label.png");
    assertThatThrownBy(() -> decoder.decodeLabelMap(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("one channel");
  }

  @Test
  void jpegBaselineAndProgressiveDecode() throws IOException {
    BufferedImage img = smoothImage(64, 48);
    Path baseline = writeJpeg(img, false, "baseline.jpg");
    Path progressive = writeJpeg(img, true, "progressive.jpg");
    assertThat(Files.readAllBytes(progressive))
        .as("progressive JPEG has an SOF2 marker")
        .containsSequence((byte) 0xFF, (byte) 0xC2);
    RgbImage a = decoder.decode(baseline);
    RgbImage b = decoder.decode(progressive);
    assertThat(a.width()).isEqualTo(64);
    assertThat(a.height()).isEqualTo(48);
    assertClose(a, img, 12);
    assertClose(b, img, 12);
  }

  @Test
  void jpegGrey() throws IOException {
    BufferedImage grey = new BufferedImage(32, 16, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 32; x++) {
        grey.getRaster().setSample(x, y, 0, 100);
      }
    }
    RgbImage img = decoder.decode(write(grey, "jpeg", "grey.jpg"));
    assertThat(img.channel(5, 5, 0)).isBetween(98, 102);
    assertThat(img.channel(5, 5, 0)).isEqualTo(img.channel(5, 5, 2));
  }

  @Test
  void cmykJpegDecodesThroughTheFallbackReaderWithPilsFormula() throws IOException {
    // A 4-channel JPEG written straight from a raster: the JDK's reader refuses it. Its channels
    // are stored inverted, as Adobe CMYK JPEGs store them (PIL reads those as "CMYK;I").
    // Stored (0 | 255, 255, 255, 255) is C = 255 | 0 and M = Y = K = 0: cyan on the left,
    // white on the right, by PIL's cmyk2rgb.
    WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        cmyk.setPixel(x, y, new int[] {x < 8 ? 0 : 255, 255, 255, 255});
      }
    }
    Path file = tmp.resolve("cmyk.jpg");
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(cmyk, null, null), null);
    } finally {
      writer.dispose();
    }
    RgbImage img = decoder.decode(file);
    assertThat(img.width()).isEqualTo(16);
    int[] left = {img.channel(2, 8, 0), img.channel(2, 8, 1), img.channel(2, 8, 2)};
    int[] right = {img.channel(13, 8, 0), img.channel(13, 8, 1), img.channel(13, 8, 2)};
    assertThat(left[0]).as("cyan %s", Arrays.toString(left)).isLessThan(8);
    assertThat(left[1]).as("cyan %s", Arrays.toString(left)).isGreaterThan(247);
    assertThat(left[2]).as("cyan %s", Arrays.toString(left)).isGreaterThan(247);
    assertThat(Arrays.stream(right).min().getAsInt())
        .as("white %s", Arrays.toString(right))
        .isGreaterThan(247);
  }

  @Test
  void exifOrientation6RotatesClockwise() throws IOException {
    BufferedImage img = new BufferedImage(40, 16, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 40; x++) {
        img.setRGB(x, y, x < 20 ? 0xFF0000 : 0x0000FF);
      }
    }
    byte[] jpeg = Files.readAllBytes(writeJpeg(img, false, "plain.jpg"));
    byte[] rotated = withExifOrientation(jpeg, 6, false);
    Path file = tmp.resolve("rotated.jpg");
    Files.write(file, rotated);

    RgbImage upright = decoder.decode(file);
    assertThat(upright.width()).isEqualTo(16);
    assertThat(upright.height()).isEqualTo(40);
    // Rotating 90 degrees clockwise puts the old left (red) on top and the old right (blue) below.
    assertThat(upright.channel(8, 5, 0)).isGreaterThan(200);
    assertThat(upright.channel(8, 5, 2)).isLessThan(60);
    assertThat(upright.channel(8, 34, 2)).isGreaterThan(200);
    assertThat(upright.channel(8, 34, 0)).isLessThan(60);

    RgbImage asStored = decoder.ignoringExifOrientation().decode(file);
    assertThat(asStored.width()).isEqualTo(40);
  }

  @Test
  void exifParserReadsBothByteOrdersAndSurvivesGarbage() throws IOException {
    byte[] jpeg = Files.readAllBytes(writeJpeg(smoothImage(8, 8), false, "small.jpg"));
    for (int o = 1; o <= 8; o++) {
      assertThat(ExifOrientation.read(withExifOrientation(jpeg, o, false))).isEqualTo(o);
      assertThat(ExifOrientation.read(withExifOrientation(jpeg, o, true))).isEqualTo(o);
    }
    assertThat(ExifOrientation.read(jpeg)).isEqualTo(1);
    byte[] bad = withExifOrientation(jpeg, 6, false);
    bad[2 + 2 + 6 + 4 + 3] = 0x7F; // IFD offset far past the segment
    assertThat(ExifOrientation.read(bad)).isEqualTo(1);
    for (int cut = 0; cut < 40; cut++) {
      assertThat(ExifOrientation.read(Arrays.copyOf(withExifOrientation(jpeg, 6, false), cut)))
          .isBetween(1, 8);
    }
  }

  @Test
  void orientationsMatchPilTransposeSemantics() {
    // 2x1 image: A B
    RgbImage ab = new RgbImage(2, 1, new byte[] {1, 1, 1, 2, 2, 2});
    assertThat(ExifOrientation.apply(ab, 2).rgb()).containsExactly(2, 2, 2, 1, 1, 1);
    assertThat(ExifOrientation.apply(ab, 3).rgb()).containsExactly(2, 2, 2, 1, 1, 1);
    assertThat(ExifOrientation.apply(ab, 4).rgb()).containsExactly(1, 1, 1, 2, 2, 2);
    assertThat(ExifOrientation.apply(ab, 5).rgb()).containsExactly(1, 1, 1, 2, 2, 2); // A over B
    assertThat(ExifOrientation.apply(ab, 6).rgb()).containsExactly(1, 1, 1, 2, 2, 2); // A over B
    assertThat(ExifOrientation.apply(ab, 7).rgb()).containsExactly(2, 2, 2, 1, 1, 1); // B over A
    assertThat(ExifOrientation.apply(ab, 8).rgb()).containsExactly(2, 2, 2, 1, 1, 1); // B over A
    assertThat(ExifOrientation.apply(ab, 8).width()).isEqualTo(1);
  }

  @Test
  void corruptFileGivesOneLineNamingTheFile() throws IOException {
    byte[] jpeg = Files.readAllBytes(writeJpeg(smoothImage(64, 48), false, "ok.jpg"));
    byte[] corrupt = jpeg.clone();
    Arrays.fill(corrupt, 20, corrupt.length - 2, (byte) 0x5A);
    Path file = tmp.resolve("corrupt.jpg");
    Files.write(file, corrupt);
    assertOneLineError(file, "corrupt");

    Path png = write(smoothImage(64, 48), "png", "ok.png");
    byte[] pngBytes = Files.readAllBytes(png);
    Arrays.fill(pngBytes, 40, pngBytes.length - 20, (byte) 0x33);
    Path badPng = tmp.resolve("corrupt.png");
    Files.write(badPng, pngBytes);
    assertOneLineError(badPng, "PNG");
  }

  @Test
  void truncatedFilesGiveOneLineNamingTheFile() throws IOException {
    byte[] jpeg = Files.readAllBytes(writeJpeg(noisyImage(256, 192), false, "whole.jpg"));
    for (int keep : new int[] {jpeg.length * 3 / 4, 300}) { // inside the scan, inside the headers
      Path cutJpeg = tmp.resolve("cut" + keep + ".jpg");
      Files.write(cutJpeg, Arrays.copyOf(jpeg, keep));
      assertOneLineError(cutJpeg, "truncated");
    }

    byte[] png = Files.readAllBytes(write(smoothImage(64, 48), "png", "whole.png"));
    Path cutPng = tmp.resolve("cut.png");
    Files.write(cutPng, Arrays.copyOf(png, png.length / 2));
    assertOneLineError(cutPng, "PNG");
  }

  @Test
  void unsupportedAndEmptyFiles() throws IOException {
    Path gif = write(smoothImage(8, 8), "gif", "x.gif");
    assertOneLineError(gif, "a GIF image, which is not read; expected a JPEG or PNG image");
    Path empty = tmp.resolve("empty.png");
    Files.write(empty, new byte[0]);
    assertOneLineError(empty, "empty");
    assertOneLineError(tmp.resolve("missing.png"), "no such file");
  }

  @Test
  void hugeDimensionsAreRefusedBeforeAllocation() throws IOException {
    // A PNG header claiming 60000 x 10 pixels, followed by nothing useful.
    byte[] png = Files.readAllBytes(write(smoothImage(8, 8), "png", "small.png"));
    png[16] = 0;
    png[17] = 0;
    png[18] = (byte) 0xEA;
    png[19] = 0x60; // width 60000
    Path file = tmp.resolve("huge.png");
    Files.write(file, png);
    assertOneLineError(file, "larger than accepted");
    assertThatThrownBy(() -> ImageDecoder.checkSize(30_000, 30_000, "x"))
        .hasMessageContaining("30000x30000");
  }

  @Test
  void aLowerPixelLimitRefusesLargerImagesAndKeepsTheRest() throws IOException {
    byte[] png = Files.readAllBytes(write(smoothImage(40, 30), "png", "limit.png"));
    ImageDecoder limited = decoder.withMaxPixels(40 * 30 - 1);
    assertThatThrownBy(() -> limited.decode(png, "upload"))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageStartingWith("upload: image is 40x30, larger than accepted")
        .hasMessageContaining(" " + (40 * 30 - 1) + " px in all");
    RgbImage exact = decoder.withMaxPixels(40 * 30).decode(png, "upload");
    assertThat(exact.width()).isEqualTo(40);
    assertThat(exact.height()).isEqualTo(30);
    assertThat(limited.appliesExifOrientation()).isEqualTo(decoder.appliesExifOrientation());
    assertThatThrownBy(() -> decoder.withMaxPixels(ImageDecoder.MAX_PIXELS + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private void assertOneLineError(Path file, String what) {
    assertThatThrownBy(() -> decoder.decode(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageStartingWith(file.toString())
        .hasMessageContaining(what)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  private static BufferedImage smoothImage(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, ((x * 255 / w) << 16) | ((y * 255 / h) << 8) | 128);
      }
    }
    return img;
  }

  private static BufferedImage noisyImage(int w, int h) {
    Random random = new Random(7);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    return img;
  }

  private static void assertClose(RgbImage got, BufferedImage want, int tolerance) {
    for (int y = 0; y < want.getHeight(); y++) {
      for (int x = 0; x < want.getWidth(); x++) {
        int rgb = want.getRGB(x, y);
        assertThat(Math.abs(got.channel(x, y, 0) - ((rgb >> 16) & 0xFF)))
            .isLessThanOrEqualTo(tolerance);
        assertThat(Math.abs(got.channel(x, y, 1) - ((rgb >> 8) & 0xFF)))
            .isLessThanOrEqualTo(tolerance);
        assertThat(Math.abs(got.channel(x, y, 2) - (rgb & 0xFF))).isLessThanOrEqualTo(tolerance);
      }
    }
  }

  private Path writeJpeg(BufferedImage img, boolean progressive, String name) throws IOException {
    Path file = tmp.resolve(name);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.95f);
    if (progressive) {
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(img, null, null), param);
    } finally {
      writer.dispose();
    }
    Files.write(file, bytes.toByteArray());
    return file;
  }

  /** Inserts an APP1 Exif segment with one IFD0 entry (orientation) right after SOI. */
  static byte[] withExifOrientation(byte[] jpeg, int orientation, boolean littleEndian) {
    byte[] tiff =
        littleEndian
            ? new byte[] {
              'I',
              'I',
              42,
              0,
              8,
              0,
              0,
              0,
              1,
              0,
              0x12,
              0x01,
              3,
              0,
              1,
              0,
              0,
              0,
              (byte) orientation,
              0,
              0,
              0,
              0,
              0,
              0,
              0
            }
            : new byte[] {
              'M',
              'M',
              0,
              42,
              0,
              0,
              0,
              8,
              0,
              1,
              0x01,
              0x12,
              0,
              3,
              0,
              0,
              0,
              1,
              0,
              (byte) orientation,
              0,
              0,
              0,
              0,
              0,
              0
            };
    int length = 2 + 6 + tiff.length;
    byte[] out = new byte[jpeg.length + 2 + length];
    out[0] = (byte) 0xFF;
    out[1] = (byte) 0xD8;
    out[2] = (byte) 0xFF;
    out[3] = (byte) 0xE1;
    out[4] = (byte) (length >> 8);
    out[5] = (byte) length;
    byte[] exif = {'E', 'x', 'i', 'f', 0, 0};
    System.arraycopy(exif, 0, out, 6, 6);
    System.arraycopy(tiff, 0, out, 12, tiff.length);
    System.arraycopy(jpeg, 2, out, 12 + tiff.length, jpeg.length - 2);
    return out;
  }

  private static void fill(WritableRaster raster, int scale, boolean alpha) {
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        raster.setSample(x, y, 0, r(x, y) * scale);
        raster.setSample(x, y, 1, g(x, y) * scale);
        raster.setSample(x, y, 2, b(x, y) * scale);
        if (alpha) {
          raster.setSample(x, y, 3, (x * 40) & 0xFF);
        }
      }
    }
  }
}
