package io.vleval.datasets.preprocess;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * The JPEGs that {@link PreprocessBenchmark} and the PIL + torchvision reference script ({@code
 * src/jmh/python/preprocess_reference.py}) both time: 16 photo-like 500x375 images (gradient,
 * shapes and Gaussian noise, quality 0.9) drawn from seed 42, so the same files on every run, with
 * a {@code SHA256SUMS} file beside them that {@code sha256sum -c} checks.
 */
public final class PreprocessCorpus {
  static final int FILES = 16;
  static final int WIDTH = 500;
  static final int HEIGHT = 375;

  /**
   * Where the files go: {@code $VLEVAL_PREPROCESS_CORPUS}, else {@code target/preprocess-corpus}.
   */
  static Path defaultDirectory() {
    String env = System.getenv("VLEVAL_PREPROCESS_CORPUS");
    return Path.of(env != null && !env.isEmpty() ? env : "target/preprocess-corpus")
        .toAbsolutePath();
  }

  private PreprocessCorpus() {}

  /** Writes (or rewrites, with the same bytes) the files into {@code dir} and lists them. */
  static List<Path> write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Random random = new Random(42);
    List<Path> files = new ArrayList<>();
    StringBuilder sums = new StringBuilder();
    for (int i = 0; i < FILES; i++) {
      Path file = dir.resolve(String.format(Locale.ROOT, "img%02d.jpg", i));
      Files.write(file, jpeg(syntheticPhoto(WIDTH, HEIGHT, random)));
      files.add(file);
      sums.append(sha256(Files.readAllBytes(file)))
          .append("  ")
          .append(file.getFileName())
          .append('\n');
    }
    Files.writeString(dir.resolve("SHA256SUMS"), sums);
    return files;
  }

  /** Writes the files into the folder given, or the default one; prints the folder. */
  public static void main(String[] args) throws IOException {
    Path dir = args.length > 0 ? Path.of(args[0]).toAbsolutePath() : defaultDirectory();
    write(dir);
    System.out.println(dir);
  }

  static BufferedImage syntheticPhoto(int w, int h, Random random) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(
        new GradientPaint(
            0, 0, new Color(random.nextInt(0xFFFFFF)), w, h, new Color(random.nextInt(0xFFFFFF))));
    g.fillRect(0, 0, w, h);
    for (int i = 0; i < 40; i++) {
      g.setColor(new Color(random.nextInt(0xFFFFFF)));
      int ew = 10 + random.nextInt(w / 3);
      int eh = 10 + random.nextInt(h / 3);
      g.fillOval(random.nextInt(w) - ew / 2, random.nextInt(h) - eh / 2, ew, eh);
    }
    g.dispose();
    byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < data.length; i++) {
      int v = (data[i] & 0xFF) + (int) Math.round(random.nextGaussian() * 10);
      data[i] = (byte) Math.max(0, Math.min(255, v));
    }
    return img;
  }

  static byte[] jpeg(BufferedImage img) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.9f);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(img, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
