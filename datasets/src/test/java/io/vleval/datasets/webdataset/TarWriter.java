package io.vleval.datasets.webdataset;

import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Writes plain ustar members, for tests that need many shards or hand-broken ones. */
final class TarWriter implements AutoCloseable {
  private final OutputStream out;

  TarWriter(Path file) throws IOException {
    out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
  }

  TarWriter add(String name, byte[] data) throws IOException {
    out.write(header(name, data.length, '0'));
    out.write(data);
    out.write(new byte[(512 - data.length % 512) % 512]);
    return this;
  }

  TarWriter add(String name, String text) throws IOException {
    return add(name, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes raw bytes (a broken header, a cut member). */
  TarWriter raw(byte[] bytes) throws IOException {
    out.write(bytes);
    return this;
  }

  /** A ustar header block with a correct checksum. */
  static byte[] header(String name, long size, char type) {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(n, 0, h, 0, Math.min(100, n.length));
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format(Locale.ROOT, "%011o", size));
    put(h, 136, "14525110400");
    h[156] = (byte) type;
    put(h, 257, "ustar");
    h[263] = '0';
    h[264] = '0';
    checksum(h);
    return h;
  }

  static void checksum(byte[] h) {
    Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xFF;
    }
    put(h, 148, String.format(Locale.ROOT, "%06o", sum));
    h[154] = 0;
    h[155] = ' ';
  }

  private static void put(byte[] h, int at, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, at, b.length);
  }

  /** Ends the archive with two zero blocks. */
  @Override
  public void close() throws IOException {
    out.write(new byte[1024]);
    out.close();
  }

  /** A 2x1 PNG of one colour. */
  static byte[] png(int r, int g, int b) {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, (r << 16) | (g << 8) | b);
    img.setRGB(1, 0, (r << 16) | (g << 8) | b);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
