package io.vleval.datasets.preprocess;

import io.vleval.api.sample.RgbImage;
import io.vleval.datasets.image.ImageDecoder;
import io.vleval.preprocess.ImageTransform;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Images per second for the classification preprocessing path the reference measures
 * (PERFORMANCE.md: PIL 9.4 + torchvision 0.14, one thread, 239 images/s): decode a 500x375 JPEG
 * from a file, resize the shorter side to 224 (PIL bicubic), center crop 224, normalize. The 16
 * JPEGs are generated at setup (gradient, shapes and Gaussian noise, quality 0.9) so the benchmark
 * needs no data set.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PreprocessBenchmark {
  static final int FILES = 16;

  /**
   * The JPEG files, written once per trial, and the pre-decoded images for the preprocess-only
   * case.
   */
  @State(Scope.Benchmark)
  public static class Corpus {
    Path dir;
    List<Path> files = new ArrayList<>();
    List<RgbImage> decoded = new ArrayList<>();
    final ImageDecoder decoder = ImageDecoder.create();
    final ImageTransform transform =
        ImageTransform.imagenet(ImageTransform.Mode.SHORTER_SIDE_THEN_CENTER_CROP, 224);

    @Setup(Level.Trial)
    public void write() throws IOException {
      dir = Files.createTempDirectory("vleval-jmh-");
      Random random = new Random(42);
      for (int i = 0; i < FILES; i++) {
        Path file = dir.resolve("img" + i + ".jpg");
        writeJpeg(syntheticPhoto(500, 375, random), file);
        files.add(file);
        decoded.add(decoder.decode(file));
      }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    }
  }

  /** Each thread walks the files in its own order. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    int advance() {
      next = (next + 1) % FILES;
      return next;
    }
  }

  @Benchmark
  @Threads(1)
  public float[] decodeAndPreprocess1Thread(Corpus corpus, Cursor cursor) {
    return corpus.transform.apply(corpus.decoder.decode(corpus.files.get(cursor.advance())));
  }

  @Benchmark
  @Threads(2)
  public float[] decodeAndPreprocess2Threads(Corpus corpus, Cursor cursor) {
    return corpus.transform.apply(corpus.decoder.decode(corpus.files.get(cursor.advance())));
  }

  @Benchmark
  @Threads(1)
  public RgbImage decodeOnly1Thread(Corpus corpus, Cursor cursor) {
    return corpus.decoder.decode(corpus.files.get(cursor.advance()));
  }

  @Benchmark
  @Threads(1)
  public float[] preprocessOnly1Thread(Corpus corpus, Cursor cursor) {
    return corpus.transform.apply(corpus.decoded.get(cursor.advance()));
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

  static void writeJpeg(BufferedImage img, Path file) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.9f);
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(img, null, null), param);
    } finally {
      writer.dispose();
    }
  }
}
