package io.vleval.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stage 1 over 100,000 image-caption pairs in ten WebDataset shards, streamed through a shuffle
 * buffer of 1,000, in a child JVM whose heap is capped at {@value #HEAP}: it draws a whole epoch
 * through the stage's examples (each pair once) and trains a few steps on them. The cap is a hard
 * bound, unlike sampling the heap in this JVM; the control holds every pair's handle (the stage's
 * data without {@code shuffle_buffer}) under the same cap and runs out of memory, which shows the
 * cap is tight enough to catch a stage that holds what it has read.
 */
class BoundedMemoryTrainingTest {
  static final int PAIRS = 100_000;
  static final String HEAP = "-Xmx64m";

  @TempDir static Path dir;

  /** About 300 characters, unique per pair, so that holding them all costs tens of MB. */
  static String caption(int i) {
    return "caption " + i + " " + "a photograph of a quiet street with trees. ".repeat(7);
  }

  @BeforeAll
  static void writeShards() throws IOException {
    Path shards = Files.createDirectories(dir.resolve("shards"));
    byte[][] png = new byte[6][];
    for (int c = 0; c < png.length; c++) {
      BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
      for (int p = 0; p < 16; p++) {
        img.setRGB(p % 4, p / 4, WebDatasetStageTest.RGB[c]);
      }
      png[c] = Shards.png(img);
    }
    for (int s = 0; s < 10; s++) {
      try (Shards w = new Shards(shards.resolve(String.format(Locale.ROOT, "shard-%02d.tar", s)))) {
        for (int i = s * PAIRS / 10; i < (s + 1) * PAIRS / 10; i++) {
          w.pair(String.format(Locale.ROOT, "%06d", i), png[i % 6], caption(i));
        }
      }
    }
  }

  private static List<String> child(String mode) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                HEAP,
                "-XX:+UseSerialGC",
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-cp",
                System.getProperty("java.class.path"),
                StreamingStageMain.class.getName(),
                mode,
                dir.resolve("shards").toString(),
                Integer.toString(PAIRS),
                dir.resolve("out-" + mode).toString())
            .redirectErrorStream(true)
            .start();
    List<String> out = new ArrayList<>();
    try (var r = p.inputReader(StandardCharsets.UTF_8)) {
      r.lines().forEach(out::add);
    }
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    out.add("exit " + p.exitValue());
    return out;
  }

  @Test
  void streamedStage1DrawsAnEpochAndTrainsInABoundedHeap() throws Exception {
    List<String> out = child("stream");
    assertThat(out).as(String.join("\n", out)).contains("exit 0");
    String line = out.stream().filter(l -> l.startsWith("drew ")).findFirst().orElseThrow();
    assertThat(line).startsWith("drew " + PAIRS + " trained 4 max heap ");
    assertThat(Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)))
        .isLessThanOrEqualTo(64L << 20);
  }

  @Test
  void holdingEveryPairDoesNotFitThatHeap() throws Exception {
    List<String> out = child("held");
    assertThat(out).doesNotContain("exit 0");
    assertThat(String.join("\n", out)).contains("OutOfMemoryError");
  }
}
