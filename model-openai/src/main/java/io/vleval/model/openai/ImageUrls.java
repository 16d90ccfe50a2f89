package io.vleval.model.openai;

import io.vleval.api.error.VlevalException;
import io.vleval.api.sample.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Images as the {@code data:} URLs an {@code image_url} content part carries. */
final class ImageUrls {

  private ImageUrls() {}

  /** {@code data:image/png;base64,...} (or jpeg) of the image's pixels. */
  static String dataUrl(RgbImage image, OpenAiCompatibleProvider.ImageFormat format) {
    BufferedImage buffered =
        new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
    byte[] rgb = image.rgb();
    int[] pixels = new int[image.width() * image.height()];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] =
          ((rgb[3 * i] & 0xFF) << 16) | ((rgb[3 * i + 1] & 0xFF) << 8) | (rgb[3 * i + 2] & 0xFF);
    }
    buffered.setRGB(0, 0, image.width(), image.height(), pixels, 0, image.width());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(buffered, format.name().toLowerCase(Locale.ROOT), out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new VlevalException("cannot encode an image as " + format + ": " + e.getMessage(), e);
    }
    return "data:"
        + format.mediaType()
        + ";base64,"
        + Base64.getEncoder().encodeToString(out.toByteArray());
  }
}
