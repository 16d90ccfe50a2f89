package io.vleval.training;

import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Writes WebDataset shards (plain ustar members, {@code <key>.png} + {@code <key>.txt}) for the
 * tests that train on them.
 */
public final class Shards implements AutoCloseable {
  private final OutputStream out;

  /**
   * @param file the shard to write
   */
  public Shards(Path file) throws IOException {
    out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
  }

  /**
   * Adds one member.
   *
   * @param name the member's path in the shard
   * @param data its bytes
   * @return this
   */
  public Shards add(String name, byte[] data) throws IOException {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(n, 0, h, 0, Math.min(100, n.length));
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format(Locale.ROOT, "%011o", data.length));
    put(h, 136, "14525110400");
    h[156] = '0';
    put(h, 257, "ustar");
    h[263] = '0';
    h[264] = '0';
    Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xFF;
    }
    put(h, 148, String.format(Locale.ROOT, "%06o", sum));
    h[154] = 0;
    h[155] = ' ';
    out.write(h);
    out.write(data);
    out.write(new byte[(512 - data.length % 512) % 512]);
    return this;
  }

  /**
   * Adds an image-caption pair.
   *
   * @param key the sample's key
   * @param png the image
   * @param caption its caption
   * @return this
   */
  public Shards pair(String key, byte[] png, String caption) throws IOException {
    return add(key + ".png", png).add(key + ".txt", caption.getBytes(StandardCharsets.UTF_8));
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

  /**
   * @param image a picture
   * @return its PNG bytes
   */
  public static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "png", bytes);
    return bytes.toByteArray();
  }

  /**
   * A square of one colour on grey, at a place and size drawn from the seed.
   *
   * @param rgb the square's colour
   * @param seed where it goes and how large it is
   * @param side the picture's side
   * @return the picture
   */
  public static BufferedImage square(int rgb, long seed, int side) {
    SplittableRandom r = new SplittableRandom(seed);
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        img.setRGB(x, y, 0x6e6e6e);
      }
    }
    int s = side / 4 + r.nextInt(side / 4);
    int x0 = r.nextInt(side - s);
    int y0 = r.nextInt(side - s);
    for (int y = y0; y < y0 + s; y++) {
      for (int x = x0; x < x0 + s; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }
}
