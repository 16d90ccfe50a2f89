package io.vleval.datasets.image;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.timing.Phase;
import io.vleval.api.timing.PhaseTimer;
import io.vleval.datasets.failure.FailureText;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;

/**
 * Decodes JPEG and PNG files into 8-bit RGB the way the reference pipeline sees them (PIL's {@code
 * Image.open(f).convert("RGB")}): alpha is dropped without compositing, palettes are looked up,
 * grey is replicated to three channels, 16-bit samples keep their high byte, and embedded colour
 * profiles are not applied to RGB or grey images.
 *
 * <p>JPEGs go to the JDK's own reader first (baseline and progressive, YCbCr and grey); what it
 * refuses (CMYK, YCCK) goes to any other registered ImageIO JPEG reader, normally TwelveMonkeys.
 * EXIF orientation is applied to JPEGs unless {@link #ignoringExifOrientation()} is used; note that
 * PIL itself does not rotate on open, so the reference pipeline only matches on images without an
 * orientation tag (or with this option).
 *
 * <p>Width and height are read from the header and checked against {@link #MAX_SIDE} and {@link
 * #MAX_PIXELS} before any pixel memory is allocated. Every failure is a {@link
 * DatasetFormatException} whose one-line message names the file and the problem. Instances are
 * immutable and safe to share between threads.
 */
public final class ImageDecoder {
  /** Largest accepted width or height, in pixels. */
  public static final int MAX_SIDE = 50_000;

  /** Largest accepted width x height. */
  public static final long MAX_PIXELS = 400_000_000L;

  /** Largest accepted file, in bytes. */
  public static final long MAX_FILE_BYTES = 1L << 30;

  private static final System.Logger LOG = System.getLogger(ImageDecoder.class.getName());

  private final boolean applyExifOrientation;
  private final long maxPixels;

  private ImageDecoder(boolean applyExifOrientation, long maxPixels) {
    this.applyExifOrientation = applyExifOrientation;
    this.maxPixels = maxPixels;
  }

  /** A decoder that applies EXIF orientation to JPEGs. */
  public static ImageDecoder create() {
    return new ImageDecoder(true, MAX_PIXELS);
  }

  /** The same decoder, but leaving JPEGs as stored, as PIL's {@code Image.open} does. */
  public ImageDecoder ignoringExifOrientation() {
    return new ImageDecoder(false, maxPixels);
  }

  /**
   * The same decoder, accepting at most {@code maxPixels} (width x height, at most {@link
   * #MAX_PIXELS}), checked from the header before any pixel memory is allocated: for callers that
   * bound the memory of untrusted images (a server), since a small compressed file can declare a
   * huge image.
   */
  public ImageDecoder withMaxPixels(long maxPixels) {
    if (maxPixels < 1 || maxPixels > MAX_PIXELS) {
      throw new IllegalArgumentException(
          "maxPixels must be in [1, " + MAX_PIXELS + "], got " + maxPixels);
    }
    return new ImageDecoder(applyExifOrientation, maxPixels);
  }

  /** The largest width x height this decoder accepts. */
  public long maxPixels() {
    return maxPixels;
  }

  /** Whether EXIF orientation is applied to JPEGs. */
  public boolean appliesExifOrientation() {
    return applyExifOrientation;
  }

  /** Decodes a JPEG or PNG file (recognised by its first bytes, not its name) into RGB. */
  public RgbImage decode(Path file) {
    return PhaseTimer.time(Phase.DECODE, () -> decode(readFile(file), file.toString()));
  }

  /**
   * Decodes JPEG or PNG bytes into RGB.
   *
   * @param origin what to call the image in error messages (a path, an archive entry)
   */
  public RgbImage decode(byte[] bytes, String origin) {
    return PhaseTimer.time(Phase.DECODE, () -> decodeNow(bytes, origin));
  }

  private RgbImage decodeNow(byte[] bytes, String origin) {
    Format format = Format.detect(bytes, origin);
    BufferedImage image = read(bytes, format, origin, maxPixels);
    RgbImage rgb = toRgb(image, origin);
    if (format == Format.JPEG && applyExifOrientation) {
      rgb = ExifOrientation.apply(rgb, ExifOrientation.read(bytes));
    }
    return rgb;
  }

  /**
   * Reads a label map (one 8-bit channel: grey, or palette indices, never palette colours) as raw
   * sample values, as PIL's {@code np.array(Image.open(f))} gives them for mode L or P.
   */
  public LabelMap decodeLabelMap(Path file) {
    return PhaseTimer.time(Phase.DECODE, () -> decodeLabelMap(readFile(file), file.toString()));
  }

  /** Reads a label map from bytes; see {@link #decodeLabelMap(Path)}. */
  public LabelMap decodeLabelMap(byte[] bytes, String origin) {
    Format format = Format.detect(bytes, origin);
    BufferedImage image = read(bytes, format, origin, maxPixels);
    Raster raster = image.getRaster();
    SampleModel sm = raster.getSampleModel();
    int bits = sm.getSampleSize(0);
    if (raster.getNumBands() != 1 || bits > 8) {
      throw new DatasetFormatException(
          origin,
          null,
          "a label map must have one channel of at most 8 bits (grey or palette), found "
              + raster.getNumBands()
              + " channel(s) of "
              + bits
              + " bits");
    }
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] values = new byte[w * h];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      raster.getSamples(0, y, w, 1, 0, row);
      int o = y * w;
      for (int x = 0; x < w; x++) {
        values[o + x] = (byte) row[x];
      }
    }
    return new LabelMap(w, h, values);
  }

  private static byte[] readFile(Path file) {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new DatasetFormatException(
            file.toString(),
            null,
            "file is "
                + size
                + " bytes, more than the "
                + MAX_FILE_BYTES
                + " accepted for an image");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DatasetFormatException(
          file.toString(), null, "cannot read the image file: " + FailureText.of(e), e);
    }
  }

  /** The container formats accepted, recognised by their signatures. */
  private enum Format {
    JPEG("jpeg"),
    PNG("png");

    final String imageIoName;

    Format(String imageIoName) {
      this.imageIoName = imageIoName;
    }

    static Format detect(byte[] b, String origin) {
      if (b.length >= 3
          && (b[0] & 0xFF) == 0xFF
          && (b[1] & 0xFF) == 0xD8
          && (b[2] & 0xFF) == 0xFF) {
        return JPEG;
      }
      if (b.length >= 8
          && (b[0] & 0xFF) == 0x89
          && b[1] == 'P'
          && b[2] == 'N'
          && b[3] == 'G'
          && b[4] == 0x0D
          && b[5] == 0x0A
          && b[6] == 0x1A
          && b[7] == 0x0A) {
        return PNG;
      }
      if (b.length == 0) {
        throw new DatasetFormatException(origin, null, "empty file, expected a JPEG or PNG image");
      }
      // Never echo the file's bytes: it may be anything (a link to a private file included).
      String other = otherImageFormat(b);
      throw new DatasetFormatException(
          origin,
          null,
          other != null
              ? "a " + other + " image, which is not read; expected a JPEG or PNG image"
              : "not a JPEG or PNG image: it starts with neither the JPEG signature (FF D8 FF)"
                  + " nor the PNG signature (89 50 4E 47 0D 0A 1A 0A)");
    }

    /** The name of a common image format the file's signature shows, or {@code null}. */
    private static String otherImageFormat(byte[] b) {
      if (startsWith(b, "GIF87a") || startsWith(b, "GIF89a")) {
        return "GIF";
      }
      if (startsWith(b, "BM") && b.length >= 14) {
        return "BMP";
      }
      if (startsWith(b, "RIFF") && b.length >= 12 && new String(b, 8, 4, US_ASCII).equals("WEBP")) {
        return "WebP";
      }
      if (startsWith(b, "II*\0") || startsWith(b, "MM\0*")) {
        return "TIFF";
      }
      return null;
    }

    private static boolean startsWith(byte[] b, String ascii) {
      byte[] prefix = ascii.getBytes(US_ASCII);
      return b.length >= prefix.length
          && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
    }
  }

  /**
   * Reader providers for the format, the JDK's own first (it applies no colour conversion of its
   * own); readers are only instantiated when tried.
   */
  private static List<ImageReaderSpi> providers(Format format) {
    List<ImageReaderSpi> jdk = new ArrayList<>();
    List<ImageReaderSpi> others = new ArrayList<>();
    Iterator<ImageReaderSpi> it =
        IIORegistry.getDefaultInstance().getServiceProviders(ImageReaderSpi.class, true);
    while (it.hasNext()) {
      ImageReaderSpi spi = it.next();
      if (Arrays.stream(spi.getFormatNames()).noneMatch(format.imageIoName::equalsIgnoreCase)) {
        continue;
      }
      (spi.getPluginClassName().startsWith("com.sun.imageio.") ? jdk : others).add(spi);
    }
    jdk.addAll(others);
    return jdk;
  }

  private static BufferedImage read(byte[] bytes, Format format, String origin, long maxPixels) {
    List<ImageReaderSpi> providers = providers(format);
    if (providers.isEmpty()) {
      throw new IllegalStateException(
          "no ImageIO reader for " + format.imageIoName + " on the class path");
    }
    DatasetFormatException first = null;
    for (ImageReaderSpi spi : providers) {
      ImageReader reader;
      try {
        reader = spi.createReaderInstance();
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot create the ImageIO reader " + spi.getPluginClassName(), e);
      }
      try {
        return readWith(reader, bytes, format, origin, maxPixels);
      } catch (Attempt failed) {
        if (!failed.tryNextReader) {
          throw failed.error;
        }
        if (first == null) {
          first = failed.error;
        } else {
          first.addSuppressed(failed.error);
        }
      } finally {
        reader.dispose();
      }
    }
    throw first;
  }

  /** One reader's failure; {@code tryNextReader} is false when no other reader could do better. */
  private static final class Attempt extends Exception {
    private static final long serialVersionUID = 1L;
    final transient DatasetFormatException error;
    final boolean tryNextReader;

    Attempt(DatasetFormatException error, boolean tryNextReader) {
      super(error.getMessage(), error, false, false);
      this.error = error;
      this.tryNextReader = tryNextReader;
    }
  }

  private static BufferedImage readWith(
      ImageReader reader, byte[] bytes, Format format, String origin, long maxPixels)
      throws Attempt {
    List<String> warnings = new ArrayList<>();
    try (ByteArrayImageInputStream in = new ByteArrayImageInputStream(bytes)) {
      reader.setInput(in, true, true);
      reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      int w = reader.getWidth(0);
      int h = reader.getHeight(0);
      checkSize(w, h, maxPixels, origin);
      BufferedImage image = reader.read(0, rawCmykParam(reader));
      for (String warning : warnings) {
        if (isTruncation(warning)) {
          throw new Attempt(
              new DatasetFormatException(
                  origin,
                  null,
                  "truncated "
                      + format.imageIoName.toUpperCase(Locale.ROOT)
                      + " image: the decoder reports '"
                      + FailureText.plain(warning)
                      + "' after "
                      + bytes.length
                      + " bytes; expected a complete file"),
              false);
        }
        // PIL accepts such files too (libjpeg warnings such as extraneous bytes before a marker).
        LOG.log(System.Logger.Level.DEBUG, "{0}: decoder warning: {1}", origin, warning);
      }
      return image;
    } catch (DatasetFormatException e) {
      throw new Attempt(e, false);
    } catch (IOException | RuntimeException e) {
      // ImageIO readers report corrupt data as IIOException, EOFException, or as runtime
      // exceptions thrown from deep inside the codec (array bounds, CMM errors).
      String name = format.imageIoName.toUpperCase(Locale.ROOT);
      String problem =
          FailureText.isTruncation(e)
              ? "truncated "
                  + name
                  + " image: the file ends before the image data does ("
                  + bytes.length
                  + " bytes); expected a complete "
                  + name
                  + " file"
              : format == Format.JPEG && !endsWithEoi(bytes)
                  ? "truncated or corrupt JPEG image: it does not end with the end-of-image"
                      + " marker (FF D9) and the decoder reports: "
                      + FailureText.of(e)
                      + "; expected a complete JPEG file"
                  : "corrupt or unsupported "
                      + name
                      + " image (the decoder reports: "
                      + FailureText.of(e)
                      + "); expected a "
                      + name
                      + " file that an image viewer opens";
      throw new Attempt(new DatasetFormatException(origin, null, problem, e), true);
    }
  }

  /** Whether a JPEG's last bytes are its end-of-image marker, as a complete file's are. */
  private static boolean endsWithEoi(byte[] b) {
    return b.length >= 2 && (b[b.length - 2] & 0xFF) == 0xFF && (b[b.length - 1] & 0xFF) == 0xD9;
  }

  /**
   * For a reader that offers a CMYK destination (TwelveMonkeys for CMYK/YCCK JPEGs), asks for it,
   * so that no ICC conversion runs and {@link #toRgb} can apply PIL's plain formula.
   */
  private static ImageReadParam rawCmykParam(ImageReader reader) throws IOException {
    ImageReadParam param = reader.getDefaultReadParam();
    if (reader.getClass().getName().startsWith("com.sun.imageio.")) {
      return param;
    }
    Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
    while (types.hasNext()) {
      ImageTypeSpecifier type = types.next();
      if (type.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_CMYK) {
        param.setDestinationType(type);
        break;
      }
    }
    return param;
  }

  private static boolean isTruncation(String warning) {
    String w = warning.toLowerCase(Locale.ROOT);
    return w.contains("premature end") || w.contains("truncated") || w.contains("missing eoi");
  }

  static void checkSize(int w, int h, String origin) {
    checkSize(w, h, MAX_PIXELS, origin);
  }

  private static void checkSize(int w, int h, long maxPixels, String origin) {
    if (w <= 0 || h <= 0) {
      throw new DatasetFormatException(
          origin, null, "image header gives an empty size " + w + "x" + h);
    }
    if (w > MAX_SIDE || h > MAX_SIDE || (long) w * h > maxPixels) {
      throw new DatasetFormatException(
          origin,
          null,
          "image is "
              + w
              + "x"
              + h
              + ", larger than accepted (at most "
              + MAX_SIDE
              + " px a side and "
              + maxPixels
              + " px in all)");
    }
  }

  /**
   * Converts whatever ImageIO produced into interleaved 8-bit RGB without any colour management.
   */
  static RgbImage toRgb(BufferedImage image, String origin) {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
    ColorModel cm = image.getColorModel();
    Raster raster = image.getRaster();
    if (cm instanceof IndexColorModel icm) {
      fromPalette(raster, icm, w, h, out);
      return new RgbImage(w, h, out);
    }
    int csType = cm.getColorSpace().getType();
    if (csType == ColorSpace.TYPE_CMYK
        && raster.getNumBands() == 4
        && raster.getSampleModel().getSampleSize(0) == 8) {
      fromCmyk(raster, w, h, out);
      return new RgbImage(w, h, out);
    }
    if (csType != ColorSpace.TYPE_RGB && csType != ColorSpace.TYPE_GRAY) {
      throw new DatasetFormatException(
          origin,
          null,
          "unsupported colour space (type "
              + csType
              + ", "
              + cm.getNumComponents()
              + " components)");
    }
    boolean grey = csType == ColorSpace.TYPE_GRAY;
    SampleModel sm = raster.getSampleModel();
    if (sm instanceof ComponentSampleModel csm
        && sm.getDataType() == DataBuffer.TYPE_BYTE
        && raster.getDataBuffer().getNumBanks() == 1) {
      fromInterleavedBytes(raster, csm, grey, w, h, out);
    } else {
      fromSamples(raster, grey, w, h, out);
    }
    return new RgbImage(w, h, out);
  }

  private static void fromPalette(Raster raster, IndexColorModel icm, int w, int h, byte[] out) {
    int n = icm.getMapSize();
    byte[] r = new byte[256];
    byte[] g = new byte[256];
    byte[] b = new byte[256];
    icm.getReds(r);
    icm.getGreens(g);
    icm.getBlues(b);
    int[] row = new int[w];
    int o = 0;
    for (int y = 0; y < h; y++) {
      raster.getSamples(0, y, w, 1, 0, row);
      for (int x = 0; x < w; x++) {
        int i = row[x] & 0xFF;
        if (i >= n) { // index past the palette: PIL shows black
          o += 3;
          continue;
        }
        out[o++] = r[i];
        out[o++] = g[i];
        out[o++] = b[i];
      }
    }
  }

  /**
   * PIL's {@code cmyk2rgb} on plain (not inverted) CMYK: {@code R = clip(nk - nk * C / 255)} with
   * {@code nk = 255 - K} and PIL's rounded division by 255; no colour profile.
   */
  private static void fromCmyk(Raster raster, int w, int h, byte[] out) {
    int[][] rows = new int[4][w];
    int o = 0;
    for (int y = 0; y < h; y++) {
      for (int c = 0; c < 4; c++) {
        raster.getSamples(0, y, w, 1, c, rows[c]);
      }
      for (int x = 0; x < w; x++) {
        int nk = 255 - rows[3][x];
        for (int c = 0; c < 3; c++) {
          int tmp = rows[c][x] * nk + 128;
          int v = nk - (((tmp >> 8) + tmp) >> 8);
          out[o++] = (byte) (v < 0 ? 0 : Math.min(v, 255));
        }
      }
    }
  }

  /** Fast path for byte rasters (3BYTE_BGR, 4BYTE_ABGR, BYTE_GRAY, PNG's RGB/RGBA/GA). */
  private static void fromInterleavedBytes(
      Raster raster, ComponentSampleModel csm, boolean grey, int w, int h, byte[] out) {
    byte[] data = ((DataBufferByte) raster.getDataBuffer()).getData();
    int[] bandOffsets = csm.getBandOffsets();
    int pixelStride = csm.getPixelStride();
    int scanline = csm.getScanlineStride();
    int base =
        raster.getDataBuffer().getOffset()
            + (0 - raster.getSampleModelTranslateY()) * scanline
            + (0 - raster.getSampleModelTranslateX()) * pixelStride;
    int r = bandOffsets[0];
    int g = grey ? r : bandOffsets[1];
    int b = grey ? r : bandOffsets[2];
    int o = 0;
    for (int y = 0; y < h; y++) {
      int p = base + y * scanline;
      for (int x = 0; x < w; x++, p += pixelStride) {
        out[o++] = data[p + r];
        out[o++] = data[p + g];
        out[o++] = data[p + b];
      }
    }
  }

  /** General path (16-bit samples, packed ints, sub-byte grey): scales every sample to 8 bits. */
  private static void fromSamples(Raster raster, boolean grey, int w, int h, byte[] out) {
    SampleModel sm = raster.getSampleModel();
    int bands = grey ? 1 : 3;
    int[][] rows = new int[bands][w];
    int[] bits = new int[bands];
    for (int c = 0; c < bands; c++) {
      bits[c] = sm.getSampleSize(c);
    }
    int o = 0;
    for (int y = 0; y < h; y++) {
      for (int c = 0; c < bands; c++) {
        raster.getSamples(0, y, w, 1, c, rows[c]);
      }
      for (int x = 0; x < w; x++) {
        if (grey) {
          byte v = to8(rows[0][x], bits[0]);
          out[o++] = v;
          out[o++] = v;
          out[o++] = v;
        } else {
          out[o++] = to8(rows[0][x], bits[0]);
          out[o++] = to8(rows[1][x], bits[1]);
          out[o++] = to8(rows[2][x], bits[2]);
        }
      }
    }
  }

  /** PIL's rule: 16-bit keeps the high byte; 1/2/4-bit grey stretches to 0..255. */
  private static byte to8(int v, int bits) {
    if (bits == 8) {
      return (byte) v;
    }
    if (bits > 8) {
      return (byte) (v >>> (bits - 8));
    }
    return (byte) (v * 255 / ((1 << bits) - 1));
  }
}
