package io.vleval.datasets.webdataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tar reader on archives Python's tarfile wrote (fixture-gen/webdataset_tars.py) and on
 * hand-broken ones.
 */
class TarReaderTest {
  @TempDir Path temp;

  static final String LONG = "deep/" + "d".repeat(120) + "/sample-long";

  static Path fixture(String name) {
    try {
      return Path.of(TarReaderTest.class.getResource("/webdataset/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> names(Path tar, List<String> texts) throws IOException {
    List<String> names = new ArrayList<>();
    try (TarReader r = new TarReader(tar, 1 << 20)) {
      TarReader.Member m;
      while ((m = r.next()) != null) {
        names.add(m.name());
        if (m.name().endsWith(".txt") || m.name().endsWith(".json")) {
          texts.add(new String(r.read(m, 1000), StandardCharsets.UTF_8));
        }
      }
    }
    return names;
  }

  @ParameterizedTest
  @ValueSource(strings = {"pax.tar", "gnu.tar"})
  void readsPythonsUstarPaxAndGnuArchivesWithLongNames(String file) throws IOException {
    List<String> texts = new ArrayList<>();
    List<String> names = names(fixture(file), texts);
    // the directory and the symbolic link of gnu.tar are passed over
    assertThat(names)
        .containsExactly(
            "a.png", "a.txt", LONG + ".png", LONG + ".json", "caf\u00e9.png", "caf\u00e9.txt");
    assertThat(texts)
        .containsExactly(
            "a red picture\n",
            "{\"caption\": \"a blue picture\", \"width\": 2}",
            "une image verte");
  }

  @Test
  void membersOffsetsPointAtTheirData() throws IOException {
    byte[] png = TarWriter.png(1, 2, 3);
    Path tar = temp.resolve("s.tar");
    try (TarWriter w = new TarWriter(tar)) {
      w.add("x.txt", "hello").add("x.png", png);
    }
    try (TarReader r = new TarReader(tar, 1 << 20)) {
      r.next();
      TarReader.Member m = r.next();
      byte[] all = Files.readAllBytes(tar);
      byte[] at = Arrays.copyOfRange(all, (int) m.offset(), (int) (m.offset() + m.size()));
      assertThat(at).isEqualTo(png);
    }
  }

  @Test
  void aCorruptHeaderFailsItsChecksum() throws IOException {
    Path tar = temp.resolve("bad.tar");
    byte[] h = TarWriter.header("a.txt", 5, '0');
    h[10] = 'Z'; // name changed after the checksum was computed
    Files.write(tar, h);
    try (TarReader r = new TarReader(tar, 1 << 20)) {
      assertThatThrownBy(r::next)
          .isInstanceOf(TarReader.TarFormatException.class)
          .hasMessageContaining("the header at byte 0 fails its checksum");
    }
  }

  @Test
  void aCutMemberIsNamed() throws IOException {
    Path tar = temp.resolve("cut.tar");
    try (TarWriter w = new TarWriter(tar)) {
      w.add("a.txt", "x".repeat(600));
    }
    byte[] all = Files.readAllBytes(tar);
    Files.write(tar, Arrays.copyOf(all, 512 + 300));
    try (TarReader r = new TarReader(tar, 1 << 20)) {
      assertThatThrownBy(r::next)
          .hasMessage(
              "entry 'a.txt' says it holds 600 bytes but only 300 remain in the file; the shard"
                  + " is cut or corrupt");
    }
  }

  @Test
  void aHugeSizeIsRefusedBeforeAnythingIsAllocated() throws IOException {
    Path tar = temp.resolve("huge.tar");
    byte[] h = TarWriter.header("big.png", 0, '0');
    // base-256 size of 2^62 bytes: an allocation of it would fail, the check comes first
    h[124] = (byte) 0x80;
    for (int i = 125; i < 136; i++) {
      h[i] = 0;
    }
    h[128] = 0x40;
    TarWriter.checksum(h);
    Files.write(tar, h);
    try (TarReader r = new TarReader(tar, 1 << 20)) {
      assertThatThrownBy(r::next)
          .hasMessageStartingWith("entry 'big.png' says it holds 4611686018427387904 bytes");
    }
  }

  @Test
  void aMemberAboveTheLimitIsRefusedNamingIt() throws IOException {
    Path tar = temp.resolve("limit.tar");
    try (TarWriter w = new TarWriter(tar)) {
      w.add("k.png", new byte[2000]);
    }
    try (TarReader r = new TarReader(tar, 1000)) {
      assertThatThrownBy(r::next)
          .hasMessage(
              "entry 'k.png' holds 2000 bytes, more than the limit of 1000 (max_entry_bytes);"
                  + " expected an image or caption file");
    }
  }

  @Test
  void anOversizedLongNameIsRefused() throws IOException {
    Path tar = temp.resolve("longname.tar");
    try (TarWriter w = new TarWriter(tar)) {
      w.raw(TarWriter.header("././@LongLink", 100_000, 'L')).raw(new byte[100_352]);
    }
    try (TarReader r = new TarReader(tar, 1 << 20)) {
      assertThatThrownBy(r::next).hasMessageContaining("more than 65536");
    }
  }

  @Test
  void endOfFileWithoutEndBlocksEndsTheArchive() throws IOException {
    Path tar = temp.resolve("noend.tar");
    try (TarWriter w = new TarWriter(tar)) {
      w.add("a.txt", "x");
    }
    byte[] all = Files.readAllBytes(tar);
    Files.write(tar, Arrays.copyOf(all, 1024));
    assertThat(names(tar, new ArrayList<>())).containsExactly("a.txt");
  }

  @Test
  void aHalfHeaderIsACutShard() throws IOException {
    Path tar = temp.resolve("half.tar");
    try (TarWriter w = new TarWriter(tar)) {
      w.add("a.txt", "x");
    }
    byte[] all = Files.readAllBytes(tar);
    byte[] cut = Arrays.copyOf(all, 1024 + 200);
    System.arraycopy(TarWriter.header("b.txt", 1, '0'), 0, cut, 1024, 200);
    Files.write(tar, cut);
    try (TarReader r = new TarReader(tar, 1 << 20)) {
      r.next();
      assertThatThrownBy(r::next)
          .hasMessage("ends inside the header at byte 1024 (200 of 512 bytes); the shard is cut");
    }
  }

  @Test
  void theNamePrefixIsReadOnlyUnderThePosixMagic() throws IOException {
    Path tar = temp.resolve("magic.tar");
    byte[] posix = TarWriter.header("name.txt", 1, '0');
    posix[262] = 0;
    byte[] prefix = "some/dir".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(prefix, 0, posix, 345, prefix.length);
    TarWriter.checksum(posix);
    // old GNU magic "ustar  \0": bytes 345.. hold the access time, not a prefix
    byte[] gnu = TarWriter.header("other.txt", 1, '0');
    System.arraycopy("ustar  \0".getBytes(StandardCharsets.US_ASCII), 0, gnu, 257, 8);
    System.arraycopy("14525110400".getBytes(StandardCharsets.US_ASCII), 0, gnu, 345, 11);
    TarWriter.checksum(gnu);
    try (TarWriter w = new TarWriter(tar)) {
      w.raw(posix).raw(new byte[512]).raw(gnu).raw(new byte[512]);
    }
    assertThat(names(tar, new ArrayList<>())).containsExactly("some/dir/name.txt", "other.txt");
  }
}
