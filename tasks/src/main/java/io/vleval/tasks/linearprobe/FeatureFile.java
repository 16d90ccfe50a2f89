package io.vleval.tasks.linearprobe;

import io.vleval.api.error.VlevalException;
import io.vleval.tasks.head.FeatureRows;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A memory-mapped file of float32 feature vectors with their labels and sample ids: what the
 * cached-features linear probe trains and scores on, read a mini-batch at a time, so a training set
 * larger than the heap (ImageNet's 1.28 M x 6,400 floats are 32 GB) costs only its ids in memory.
 *
 * <p>Layout, little-endian: a 24-byte header ({@code "VLF2"}, dim as int32, rows as int64, zeros to
 * byte 24), then each row as its label (int32) and {@code dim} float32 values, then each row's
 * sample id as a length (int32) and that many UTF-8 bytes. Every size read from the header is
 * checked against the file's length before anything is allocated; a file that does not hold what
 * its header says is an error that names it.
 */
final class FeatureFile implements FeatureRows, AutoCloseable {
  static final int MAGIC = 0x3246_4C56; // "VLF2" read little-endian
  static final int HEADER = 24;

  /** Longest row accepted: a sanity bound on a size read from a file, far above any backbone. */
  static final int MAX_DIM = 1 << 20;

  /** Longest sample id accepted, in bytes. */
  static final int MAX_ID = 1 << 16;

  private final Path file;
  private final int dim;
  private final int rows;
  private final long rowBytes;
  private final int rowsPerChunk;
  private final MappedByteBuffer[] chunks;
  private final Map<String, Integer> index;

  private FeatureFile(
      Path file,
      int dim,
      int rows,
      MappedByteBuffer[] chunks,
      int rowsPerChunk,
      Map<String, Integer> index) {
    this.file = file;
    this.dim = dim;
    this.rows = rows;
    this.rowBytes = 4L + 4L * dim;
    this.chunks = chunks;
    this.rowsPerChunk = rowsPerChunk;
    this.index = index;
  }

  /** Opens and checks {@code file}; its rows are mapped, not read. */
  static FeatureFile open(Path file) {
    return open(file, Integer.MAX_VALUE / 2);
  }

  /**
   * Opens and checks {@code file}, mapping its rows in pieces of at most {@code chunkBytes} (one
   * row at least; a mapping cannot exceed 2 GB).
   */
  static FeatureFile open(Path file, long chunkBytes) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < HEADER) {
        throw corrupt(file, "is " + size + " bytes, shorter than the " + HEADER + "-byte header");
      }
      ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, header, 0, file);
      header.flip();
      if (header.getInt() != MAGIC) {
        throw new VlevalException(
            file + ": not a vleval feature file (expected \"VLF2\" at byte 0); delete it");
      }
      int dim = header.getInt();
      long count = header.getLong();
      if (dim < 1 || dim > MAX_DIM) {
        throw corrupt(file, "header gives a row length of " + dim + ", expected 1 to " + MAX_DIM);
      }
      long rowBytes = 4L + 4L * dim;
      if (count < 0 || count > Integer.MAX_VALUE - 8) {
        throw corrupt(
            file, "header gives " + count + " rows, expected 0 to " + (Integer.MAX_VALUE - 8));
      }
      if (count > (size - HEADER) / rowBytes) {
        throw corrupt(
            file,
            "header claims "
                + count
                + " rows of "
                + dim
                + " features ("
                + count * rowBytes
                + " bytes), more than the file's "
                + size
                + " bytes hold");
      }
      int rows = (int) count;
      long idsAt = HEADER + rows * rowBytes;
      Map<String, Integer> index = readIds(ch, file, idsAt, rows, size);
      int rowsPerChunk =
          (int) Math.max(1, Math.min(rows, Math.min(chunkBytes, Integer.MAX_VALUE / 2) / rowBytes));
      int chunkCount = rows == 0 ? 0 : (rows + rowsPerChunk - 1) / rowsPerChunk;
      MappedByteBuffer[] chunks = new MappedByteBuffer[chunkCount];
      for (int c = 0; c < chunkCount; c++) {
        long first = (long) c * rowsPerChunk;
        long n = Math.min(rowsPerChunk, rows - first);
        chunks[c] = ch.map(FileChannel.MapMode.READ_ONLY, HEADER + first * rowBytes, n * rowBytes);
        chunks[c].order(ByteOrder.LITTLE_ENDIAN);
      }
      return new FeatureFile(file, dim, rows, chunks, rowsPerChunk, index);
    } catch (IOException e) {
      throw new VlevalException(file + ": cannot read feature file: " + e.getMessage(), e);
    }
  }

  private static Map<String, Integer> readIds(
      FileChannel ch, Path file, long at, int rows, long size) throws IOException {
    Map<String, Integer> index = new HashMap<>();
    ch.position(at);
    InputStream stream = new BufferedInputStream(Channels.newInputStream(ch), 1 << 16);
    DataInputStream in = new DataInputStream(stream);
    long position = at;
    byte[] buffer = new byte[256];
    for (int i = 0; i < rows; i++) {
      int length;
      try {
        length = Integer.reverseBytes(in.readInt());
      } catch (EOFException e) {
        throw corrupt(file, "ends in the sample id of row " + i + " of " + rows + " (truncated)");
      }
      position += 4;
      if (length < 0 || length > MAX_ID || length > size - position) {
        throw corrupt(
            file,
            "sample id of row "
                + i
                + " claims "
                + length
                + " bytes, expected 0 to "
                + Math.min(MAX_ID, size - position));
      }
      if (buffer.length < length) {
        buffer = new byte[length];
      }
      in.readFully(buffer, 0, length);
      position += length;
      String id = new String(buffer, 0, length, StandardCharsets.UTF_8);
      if (index.put(id, i) != null) {
        throw corrupt(file, "sample id '" + id + "' appears twice (row " + i + ")");
      }
    }
    if (position != size) {
      throw corrupt(
          file, "has " + (size - position) + " bytes after its last sample id, expected none");
    }
    return index;
  }

  private static VlevalException corrupt(Path file, String what) {
    return new VlevalException(
        file
            + ": damaged feature file: "
            + what
            + "; delete it and the features are extracted again");
  }

  private static void readFully(FileChannel ch, ByteBuffer buffer, long at, Path file)
      throws IOException {
    while (buffer.hasRemaining()) {
      int n = ch.read(buffer, at);
      if (n < 0) {
        throw corrupt(file, "ends early");
      }
      at += n;
    }
  }

  Path path() {
    return file;
  }

  @Override
  public int size() {
    return rows;
  }

  @Override
  public int dim() {
    return dim;
  }

  /** The row of {@code sampleId}, or -1 when the file lacks it. */
  int row(String sampleId) {
    Integer r = index.get(sampleId);
    return r == null ? -1 : r;
  }

  int label(int row) {
    return chunk(row).getInt(offset(row));
  }

  /** Row {@code row}'s features, copied. */
  float[] vector(int row) {
    float[] out = new float[dim];
    copy(row, out, 0);
    return out;
  }

  @Override
  public void gather(int[] rowsWanted, float[] out) {
    for (int i = 0; i < rowsWanted.length; i++) {
      copy(rowsWanted[i], out, i * dim);
    }
  }

  private void copy(int row, float[] out, int at) {
    if (row < 0 || row >= rows) {
      throw new IndexOutOfBoundsException("row " + row + " of " + rows);
    }
    // an absolute slice: the shared buffer's position is never moved, so readers may run in
    // parallel
    chunk(row)
        .slice(offset(row) + 4, 4 * dim)
        .order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .get(out, at, dim);
  }

  private MappedByteBuffer chunk(int row) {
    return chunks[row / rowsPerChunk];
  }

  private int offset(int row) {
    return (int) ((row % rowsPerChunk) * rowBytes);
  }

  /** The mapping is released by the garbage collector; nothing is held open. */
  @Override
  public void close() {}

  /**
   * Writes a feature file row by row to a temporary name beside {@code target}; {@link #commit}
   * adds the ids and the header and renames it into place, {@link #close} without a commit deletes
   * it. Only the sample ids are held in memory (to refuse a repeated one).
   */
  static final class Writer implements AutoCloseable {
    private final Path target;
    private final Path rowsFile;
    private final Path idsFile;
    private final OutputStream rowsOut;
    private final OutputStream idsOut;
    private final Set<String> ids = new HashSet<>();
    private int dim = -1;
    private ByteBuffer row;
    private boolean done;

    Writer(Path target) {
      this.target = target;
      try {
        Files.createDirectories(target.getParent());
        rowsFile =
            Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        idsFile = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".ids");
        rowsOut = new BufferedOutputStream(Files.newOutputStream(rowsFile), 1 << 16);
        idsOut = new BufferedOutputStream(Files.newOutputStream(idsFile), 1 << 16);
        rowsOut.write(new byte[HEADER]);
      } catch (IOException e) {
        throw new VlevalException(target + ": cannot write feature file: " + e.getMessage(), e);
      }
    }

    int rows() {
      return ids.size();
    }

    /** Appends one row. */
    void add(String sampleId, int label, float[] vector) {
      if (dim < 0) {
        if (vector.length < 1 || vector.length > MAX_DIM) {
          throw new IllegalArgumentException("feature length " + vector.length);
        }
        dim = vector.length;
        row = ByteBuffer.allocate(4 + 4 * dim).order(ByteOrder.LITTLE_ENDIAN);
      }
      if (vector.length != dim) {
        throw new IllegalArgumentException(
            "feature of '" + sampleId + "' has " + vector.length + " values, earlier ones " + dim);
      }
      byte[] id = sampleId.getBytes(StandardCharsets.UTF_8);
      if (id.length > MAX_ID) {
        throw new VlevalException(
            "sample id '"
                + sampleId.substring(0, 40)
                + "...' is "
                + id.length
                + " bytes long; the feature cache takes ids up to "
                + MAX_ID
                + " bytes");
      }
      if (!ids.add(sampleId)) {
        throw new IllegalArgumentException("sample '" + sampleId + "' written twice");
      }
      row.clear();
      row.putInt(label);
      row.asFloatBuffer().put(vector);
      try {
        rowsOut.write(row.array());
        idsOut.write(
            ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(id.length).array());
        idsOut.write(id);
      } catch (IOException e) {
        throw new VlevalException(target + ": cannot write feature file: " + e.getMessage(), e);
      }
    }

    /** Completes the file and moves it to its name. */
    void commit() {
      if (ids.isEmpty()) {
        throw new IllegalStateException("no rows to commit");
      }
      try {
        idsOut.close();
        Files.copy(idsFile, rowsOut);
        rowsOut.close();
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(MAGIC).putInt(dim).putLong(ids.size()).putInt(0).flip();
        try (FileChannel ch = FileChannel.open(rowsFile, StandardOpenOption.WRITE)) {
          while (header.hasRemaining()) {
            ch.write(header, header.position());
          }
        }
        Files.move(
            rowsFile, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(idsFile);
        done = true;
      } catch (IOException e) {
        throw new VlevalException(target + ": cannot write feature file: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      if (done) {
        return;
      }
      done = true;
      try {
        rowsOut.close();
        idsOut.close();
        Files.deleteIfExists(rowsFile);
        Files.deleteIfExists(idsFile);
      } catch (IOException e) {
        throw new VlevalException(
            target + ": cannot remove the unfinished feature file: " + e.getMessage(), e);
      }
    }
  }
}
