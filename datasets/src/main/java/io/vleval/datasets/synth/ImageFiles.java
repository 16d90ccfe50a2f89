package io.vleval.datasets.synth;

import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Encodes generated images: JPEG for pictures, 8-bit grey PNG for label maps. */
final class ImageFiles {
  private ImageFiles() {}

  static BufferedImage toBuffered(RgbImage image) {
    BufferedImage out =
        new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
    byte[] rgb = image.rgb();
    for (int i = 0; i < rgb.length; i += 3) {
      bgr[i] = rgb[i + 2];
      bgr[i + 1] = rgb[i + 1];
      bgr[i + 2] = rgb[i];
    }
    return out;
  }

  static byte[] jpeg(RgbImage image, float quality) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.write(null, new IIOImage(toBuffered(image), null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("JPEG encoding in memory failed", e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  static void writeJpeg(RgbImage image, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, jpeg(image, 0.92f));
  }

  static void writePng(LabelMap labels, Path file) throws IOException {
    BufferedImage out =
        new BufferedImage(labels.width(), labels.height(), BufferedImage.TYPE_BYTE_GRAY);
    byte[] data = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
    System.arraycopy(labels.values(), 0, data, 0, data.length);
    Files.createDirectories(file.getParent());
    if (!ImageIO.write(out, "png", file.toFile())) {
      throw new IOException("no PNG writer available");
    }
  }
}
