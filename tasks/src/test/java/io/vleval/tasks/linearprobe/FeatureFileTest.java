package io.vleval.tasks.linearprobe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.VlevalException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureFileTest {

  @TempDir Path dir;

  static final int DIM = 5;

  static float[][] vectors(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] v = new float[n][DIM];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < DIM; d++) {
        v[i][d] = (float) r.nextGaussian();
      }
    }
    return v;
  }

  static String id(int i) {
    return i % 2 == 0 ? "n0144/img_" + i + ".JPEG" : "ñandú-" + i;
  }

  private Path write(float[][] v) {
    Path file = dir.resolve("f.f32");
    try (FeatureFile.Writer w = new FeatureFile.Writer(file)) {
      for (int i = 0; i < v.length; i++) {
        w.add(id(i), i % 3, v[i]);
      }
      w.commit();
    }
    return file;
  }

  @Test
  void whatIsWrittenReadsBackRowByRowAndInBatches() {
    float[][] v = vectors(7, 1);
    Path file = write(v);
    // 2 rows a mapping: the rows span 4 mappings
    try (FeatureFile f = FeatureFile.open(file, 2 * (4 + 4 * DIM))) {
      assertThat(f.size()).isEqualTo(7);
      assertThat(f.dim()).isEqualTo(DIM);
      for (int i = 0; i < 7; i++) {
        int row = f.row(id(i));
        assertThat(row).isEqualTo(i);
        assertThat(f.label(row)).isEqualTo(i % 3);
        assertThat(f.vector(row)).containsExactly(v[i]);
      }
      assertThat(f.row("absent")).isEqualTo(-1);
      int[] wanted = {6, 0, 3, 3, 5};
      float[] out = new float[wanted.length * DIM];
      f.gather(wanted, out);
      for (int k = 0; k < wanted.length; k++) {
        for (int d = 0; d < DIM; d++) {
          assertThat(out[k * DIM + d]).isEqualTo(v[wanted[k]][d]);
        }
      }
    }
  }

  @Test
  void aWriterClosedWithoutCommitLeavesNothing() throws IOException {
    Path file = dir.resolve("f.f32");
    try (FeatureFile.Writer w = new FeatureFile.Writer(file)) {
      w.add("a", 0, new float[DIM]);
    }
    try (var files = Files.list(dir)) {
      assertThat(files.toList()).isEmpty();
    }
  }

  private static void patch(Path file, long at, ByteBuffer bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(bytes.flip(), at);
    }
  }

  @Test
  void aHeaderClaimingMoreRowsThanTheFileHoldsIsNamedBeforeAnyAllocation() throws IOException {
    Path file = write(vectors(3, 2));
    long size = Files.size(file);
    long claimed = 1L << 30;
    patch(file, 8, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(claimed));
    assertThatThrownBy(() -> FeatureFile.open(file))
        .isInstanceOf(VlevalException.class)
        .hasMessage(
            file
                + ": damaged feature file: header claims "
                + claimed
                + " rows of "
                + DIM
                + " features ("
                + claimed * (4 + 4 * DIM)
                + " bytes), more than the file's "
                + size
                + " bytes hold; delete it and the features are extracted again");
  }

  @Test
  void aBadRowLengthOrCountIsNamed() throws IOException {
    Path file = write(vectors(3, 3));
    patch(file, 4, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(-4));
    assertThatThrownBy(() -> FeatureFile.open(file))
        .hasMessage(
            file
                + ": damaged feature file: header gives a row length of -4, expected 1 to 1048576;"
                + " delete it and the features are extracted again");
    patch(file, 4, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(DIM));
    patch(file, 8, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-1));
    assertThatThrownBy(() -> FeatureFile.open(file))
        .hasMessageStartingWith(file + ": damaged feature file: header gives -1 rows");
  }

  @Test
  void aTruncatedFileIsNamed() throws IOException {
    Path file = write(vectors(4, 4));
    long size = Files.size(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size - 3);
    }
    assertThatThrownBy(() -> FeatureFile.open(file))
        .isInstanceOf(VlevalException.class)
        .hasMessageStartingWith(file + ": damaged feature file: sample id of row 3 claims")
        .hasMessageEndingWith("; delete it and the features are extracted again");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(10);
    }
    assertThatThrownBy(() -> FeatureFile.open(file))
        .hasMessage(
            file
                + ": damaged feature file: is 10 bytes, shorter than the 24-byte header; delete it"
                + " and the features are extracted again");
  }

  @Test
  void aFileOfAnotherKindIsNamed() throws IOException {
    Path file = dir.resolve("old.f32");
    // the earlier big-endian layout: "VLFC", rows, dim
    Files.write(file, ByteBuffer.allocate(32).putInt(0x564C4643).putInt(1).putInt(DIM).array());
    assertThatThrownBy(() -> FeatureFile.open(file))
        .hasMessage(file + ": not a vleval feature file (expected \"VLF2\" at byte 0); delete it");
  }
}
