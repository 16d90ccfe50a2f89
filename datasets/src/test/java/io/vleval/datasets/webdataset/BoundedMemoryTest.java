package io.vleval.datasets.webdataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
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
 * 100,000 image-caption pairs in ten WebDataset shards and 100,000 conversations in one JSONL file,
 * streamed through the loaders and a shuffle buffer of 1,000 in a child JVM whose heap is capped at
 * {@value #HEAP}. The cap is a hard bound, unlike sampling the heap in this JVM (which depends on
 * when the collector runs); the control run keeps every sample under the same cap and must run out
 * of memory, which shows the cap is tight enough to catch a loader that holds what it has read.
 */
class BoundedMemoryTest {
  static final int PAIRS = 100_000;
  static final String HEAP = "-Xmx32m";

  @TempDir static Path dir;

  /** About 300 characters, unique per sample, so that keeping them all costs tens of MB. */
  static String caption(int i) {
    return "caption " + i + " " + "a photograph of a quiet street with trees. ".repeat(7);
  }

  @BeforeAll
  static void writeData() throws IOException {
    Path wds = Files.createDirectories(dir.resolve("wds"));
    byte[] png = TarWriter.png(10, 20, 30);
    for (int s = 0; s < 10; s++) {
      try (TarWriter w =
          new TarWriter(wds.resolve(String.format(Locale.ROOT, "shard-%02d.tar", s)))) {
        for (int i = s * PAIRS / 10; i < (s + 1) * PAIRS / 10; i++) {
          String key = String.format(Locale.ROOT, "%06d", i);
          w.add(key + ".png", png).add(key + ".txt", caption(i));
        }
      }
    }
    Path sft = Files.createDirectories(dir.resolve("sft"));
    try (BufferedWriter w =
        Files.newBufferedWriter(sft.resolve("train.jsonl"), StandardCharsets.UTF_8)) {
      for (int i = 0; i < PAIRS; i++) {
        w.write(
            "{\"id\": \"c"
                + i
                + "\", \"image\": \"img/"
                + i
                + ".jpg\", \"conversations\": [{\"from\": \"human\", \"value\": \"<image>\\n"
                + "Describe the picture.\"}, {\"from\": \"gpt\", \"value\": \""
                + caption(i)
                + "\"}]}\n");
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
                "-cp",
                System.getProperty("java.class.path"),
                StreamCount.class.getName(),
                mode,
                dir.toString(),
                Integer.toString(PAIRS))
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
  void streamsEveryPairAndConversationOnceInABoundedHeap() throws Exception {
    List<String> out = child("stream");
    assertThat(out).as(String.join("\n", out)).contains("exit 0");
    assertThat(out.get(0)).startsWith("counted " + PAIRS + " " + PAIRS + " max heap ");
    long maxHeap = Long.parseLong(out.get(0).substring(out.get(0).lastIndexOf(' ') + 1));
    assertThat(maxHeap).isLessThanOrEqualTo(32L << 20);
  }

  @Test
  void keepingEverySampleDoesNotFitThatHeap() throws Exception {
    List<String> out = child("retain");
    assertThat(out).doesNotContain("exit 0");
    assertThat(String.join("\n", out)).contains("OutOfMemoryError");
  }
}
