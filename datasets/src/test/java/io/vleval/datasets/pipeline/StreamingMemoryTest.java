package io.vleval.datasets.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 20,000-image folder streams through the runner in a JVM capped at 256 MB of heap: memory is
 * bounded by the decode queue, not by the dataset.
 */
class StreamingMemoryTest {

  @TempDir Path temp;

  @Test
  void twentyThousandImagesStreamInA256MbHeap() throws Exception {
    Path root = temp.resolve("many");
    // 20,000 small PNGs; the bytes are shared, the files are not
    int classes = 20;
    int perClass = 1000;
    for (int c = 0; c < classes; c++) {
      BufferedImage img = new BufferedImage(24, 24, BufferedImage.TYPE_3BYTE_BGR);
      img.getGraphics().fillRect(c, c, 6, 6);
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(img, "png", png);
      Path dir = Files.createDirectories(root.resolve(String.format("class_%02d", c)));
      for (int i = 0; i < perClass; i++) {
        Files.write(dir.resolve(String.format("img_%05d.png", i)), png.toByteArray());
      }
    }
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            StreamCheck.class.getName(),
            root.toString());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).as(out).contains("scored 20000 ").contains("max-heap-mb 256");
    assertThat(Files.readAllLines(temp.resolve("run/samples/pixels/count.jsonl"))).hasSize(20_000);
  }
}
