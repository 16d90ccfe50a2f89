package io.vleval.datasets.webdataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.SampleCursor;
import io.vleval.datasets.shuffle.ShardOrder;
import io.vleval.datasets.shuffle.ShardedDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebDatasetProviderTest {
  @TempDir Path temp;

  private final WebDatasetProvider provider = new WebDatasetProvider();

  private Dataset<CaptionedImage> open(List<String> shards) {
    return open(shards, null, null, null);
  }

  private Dataset<CaptionedImage> open(
      List<String> shards, Integer buffer, Boolean shuffleShards, Integer epoch) {
    return provider.open(
        new WebDatasetProvider.Spec(temp, shards, buffer, shuffleShards, 7L, epoch, null),
        new PluginContext(1, temp.resolve("cache"), 1));
  }

  /** Each sample as "id|caption", or "!message" for a malformed one. */
  private static List<String> read(Dataset<CaptionedImage> d) {
    List<String> out = new ArrayList<>();
    try (SampleCursor<CaptionedImage> c = d.samples()) {
      while (c.hasNext()) {
        try {
          CaptionedImage s = c.next();
          out.add(s.id() + "|" + s.captions().get(0));
        } catch (DatasetFormatException e) {
          out.add("!" + e.getMessage());
        }
      }
    }
    return out;
  }

  private void shard(String name, int from, int to) throws IOException {
    try (TarWriter w = new TarWriter(temp.resolve(name))) {
      for (int i = from; i < to; i++) {
        String key = String.format(Locale.ROOT, "%06d", i);
        w.add(key + ".jpg", TarWriter.png(i, 0, 0)).add(key + ".txt", "caption " + i + "\n");
      }
    }
  }

  @Test
  void groupsMembersByKeyAndReadsTxtAndJsonCaptions() throws IOException {
    Files.copy(TarReaderTest.fixture("gnu.tar"), temp.resolve("gnu.tar"));
    Dataset<CaptionedImage> d = open(List.of());
    assertThat(read(d))
        .containsExactly(
            "gnu.tar/a|a red picture",
            "gnu.tar/" + TarReaderTest.LONG + "|a blue picture",
            "gnu.tar/caf\u00e9|une image verte");
  }

  @Test
  void imagesAreReadFromTheShardOnlyWhenLoaded() throws IOException {
    Files.copy(TarReaderTest.fixture("pax.tar"), temp.resolve("pax.tar"));
    List<CaptionedImage> samples = new ArrayList<>();
    try (SampleCursor<CaptionedImage> c = open(List.of("pax.tar")).samples()) {
      c.forEachRemaining(samples::add);
    }
    RgbImage blue = samples.get(1).image().load();
    assertThat(blue.width()).isEqualTo(2);
    assertThat(blue.height()).isEqualTo(1);
    int[] pixel = {blue.channel(0, 0, 0), blue.channel(0, 0, 1), blue.channel(0, 0, 2)};
    assertThat(pixel).containsExactly(0, 0, 255);
    assertThat(samples.get(1).image().origin())
        .isEqualTo(temp.resolve("pax.tar") + ": " + TarReaderTest.LONG + ".png");
  }

  @Test
  void braceRangesListShardsAndMissingOnesAreNamed() throws IOException {
    shard("s-000.tar", 0, 2);
    shard("s-001.tar", 2, 4);
    assertThat(read(open(List.of("s-{000..001}.tar"))))
        .containsExactly(
            "s-000.tar/000000|caption 0",
            "s-000.tar/000001|caption 1",
            "s-001.tar/000002|caption 2",
            "s-001.tar/000003|caption 3");
    assertThatThrownBy(() -> open(List.of("s-{000..003}.tar")))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(temp + ": shards: 2 of 4 shards are missing: s-002.tar, s-003.tar");
  }

  @Test
  void shardPathsStayInsideTheRoot() {
    assertThatThrownBy(() -> open(List.of("../elsewhere-{0..1}.tar")))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining("shards[0]: path '../elsewhere-0.tar' leaves the dataset root");
  }

  @Test
  void samplesWithoutAnImageOrCaptionAreMalformedAndTheCursorGoesOn() throws IOException {
    try (TarWriter w = new TarWriter(temp.resolve("m.tar"))) {
      w.add("a.webp", new byte[] {1, 2})
          .add("a.txt", "a webp")
          .add("b.png", TarWriter.png(1, 1, 1))
          .add("c.png", TarWriter.png(1, 1, 1))
          .add("c.json", "{\"caption\": 3}")
          .add("d.png", TarWriter.png(1, 1, 1))
          .add("d.txt", "fine")
          .add("a.cls", "7");
    }
    String shard = temp.resolve("m.tar").toString();
    assertThat(read(open(List.of())))
        .containsExactly(
            "!"
                + shard
                + ": sample 'a': has no jpg, jpeg or png image (its files: webp, txt); expected an"
                + " image the decoder reads",
            "!"
                + shard
                + ": sample 'b': has no caption (its files: png); expected a txt file, or a json"
                + " file with a 'caption'",
            "!" + shard + ": entry 'c.json': 'caption' must be a string, found the integer 3",
            "m.tar/d|fine",
            "!"
                + shard
                + ": sample 'a': key 'a' appears again after other samples; expected a sample's"
                + " files next to each other");
  }

  @Test
  void aCorruptShardIsOneMalformedEntryAndTheNextShardIsRead() throws IOException {
    shard("s0.tar", 0, 3);
    shard("s1.tar", 3, 4);
    // cut s0 inside its third sample's image (two members of one block each per sample)
    Path s0 = temp.resolve("s0.tar");
    byte[] all = Files.readAllBytes(s0);
    Files.write(s0, Arrays.copyOf(all, 2 * 2048 + 512 + 40));
    List<String> got = read(open(List.of()));
    assertThat(got)
        .containsExactly(
            "s0.tar/000000|caption 0",
            "s0.tar/000001|caption 1",
            "!"
                + s0
                + ": entry '000002.jpg' says it holds "
                + TarWriter.png(2, 0, 0).length
                + " bytes but only 40 remain in the file; the shard is cut or corrupt (sample"
                + " '000002' is incomplete and left out); the rest of this shard is not read",
            "s1.tar/000003|caption 3");
    try (SampleCursor<CaptionedImage> c = open(List.of()).samples()) {
      c.next();
      c.next();
      assertThatThrownBy(c::next)
          .isInstanceOfSatisfying(
              DatasetFormatException.class,
              e -> assertThat(e.sampleId()).isEqualTo("s0.tar/000002#unreadable"));
    }
  }

  @Test
  void shardOrderAndBufferAreSeededPermutations() throws IOException {
    for (int s = 0; s < 5; s++) {
      shard("p" + s + ".tar", s * 20, s * 20 + 20);
    }
    List<String> plain = read(open(List.of()));
    List<String> shuffled = read(open(List.of(), 10, true, 0));
    assertThat(shuffled).hasSameSizeAs(plain).containsExactlyInAnyOrderElementsOf(plain);
    assertThat(shuffled).isNotEqualTo(plain);
    assertThat(read(open(List.of(), 10, true, 0))).isEqualTo(shuffled);
    assertThat(read(open(List.of(), 10, true, 1))).isNotEqualTo(shuffled);
  }

  @Test
  void shardsNamedByALinkOutOfTheRootAreRefused() throws IOException {
    Path outside = Files.createDirectories(temp.resolveSibling(temp.getFileName() + "-out"));
    Path tar = outside.resolve("x.tar");
    Files.copy(TarReaderTest.fixture("gnu.tar"), tar, StandardCopyOption.REPLACE_EXISTING);
    Files.createSymbolicLink(temp.resolve("x.tar"), tar);
    try {
      assertThatThrownBy(() -> open(List.of("x.tar")))
          .hasMessageContaining("leads out of the dataset root");
    } finally {
      Files.delete(tar);
      Files.delete(outside);
    }
  }

  /**
   * A trainer reads the shards epoch by epoch in the order {@link ShardOrder} draws for the seed
   * and epoch, whatever the entry's own shuffle settings, each sample once per epoch.
   */
  @Test
  void epochsReadTheShardsInTheSeededOrderOfEachEpoch() throws IOException {
    for (int s = 0; s < 4; s++) {
      shard(String.format(Locale.ROOT, "s%d.tar", s), s * 3, s * 3 + 3);
    }
    ShardedDataset<CaptionedImage> d =
        provider.open(
            new WebDatasetProvider.Spec(temp, List.of(), 5, true, 7L, 3, null),
            new PluginContext(1, temp.resolve("cache"), 1));
    assertThat(d.shards()).isEqualTo(4);
    List<List<String>> epochs = new ArrayList<>();
    for (int e = 0; e < 3; e++) {
      List<String> shardsRead = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      try (SampleCursor<CaptionedImage> c = d.epoch(11L, e)) {
        c.forEachRemaining(
            sample -> {
              ids.add(sample.id());
              String shard = sample.id().substring(0, sample.id().indexOf('/'));
              if (!shardsRead.contains(shard)) {
                shardsRead.add(shard);
              }
            });
      }
      assertThat(ids).hasSize(12).doesNotHaveDuplicates();
      List<String> expected = new ArrayList<>();
      for (int i : ShardOrder.permutation(4, 11L, e)) {
        expected.add("s" + i + ".tar");
      }
      assertThat(shardsRead).containsExactlyElementsOf(expected);
      epochs.add(shardsRead);
    }
    assertThat(epochs).doesNotHaveDuplicates();
  }
}
