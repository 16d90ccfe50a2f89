package io.vleval.datasets.webdataset;

import io.vleval.datasets.failure.FailureText;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the members of a tar file one header at a time, never holding more than one header block
 * and one small member: POSIX ustar (name prefix), GNU long names ({@code L}) and pax extended
 * headers ({@code x}: {@code path} and {@code size} honoured; global {@code g} headers skipped).
 * Each header's checksum is verified and each size is checked against the bytes left in the file
 * and against a limit before anything is allocated. Only regular files are returned; directories,
 * links and devices are passed over (a link is never followed).
 */
final class TarReader implements AutoCloseable {

  /** The most bytes a GNU long name or pax header may hold; real ones are a few hundred. */
  static final int MAX_HEADER_DATA = 1 << 16;

  private static final int BLOCK = 512;

  /** A regular file in the archive: its name, where its data starts and how long it is. */
  record Member(String name, long offset, long size) {}

  private final Path file;
  private final long fileSize;
  private final long maxMemberBytes;
  private final InputStream in;
  private final byte[] header = new byte[BLOCK];
  private long position;
  private long pendingSkip;
  private Member current;
  private boolean ended;
  private boolean currentRead;

  TarReader(Path file, long maxMemberBytes) throws IOException {
    this.file = file;
    this.fileSize = Files.size(file);
    this.maxMemberBytes = maxMemberBytes;
    this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
  }

  /**
   * The next regular file, or {@code null} at the end of the archive (two zero blocks, one zero
   * block then the end of the file, or the end of the file at a header's place).
   *
   * @throws TarFormatException when a header is corrupt or the archive stops inside a member
   */
  Member next() throws IOException {
    if (ended) {
      return null;
    }
    skip(pendingSkip);
    pendingSkip = 0;
    String longName = null;
    String paxPath = null;
    long paxSize = -1;
    while (true) {
      long at = position;
      int n = readFully(header, 0, BLOCK);
      if (n == 0) {
        ended = true;
        return null;
      }
      if (n < BLOCK) {
        throw new TarFormatException(
            "ends inside the header at byte " + at + " (" + n + " of 512 bytes); the shard is cut");
      }
      if (isZero(header)) {
        ended = true;
        return null;
      }
      verifyChecksum(at);
      String name = longName != null ? longName : paxPath != null ? paxPath : headerName();
      long size = paxSize >= 0 ? paxSize : size(at, name);
      long left = fileSize - position;
      if (size > left) {
        throw new TarFormatException(
            "entry '"
                + name
                + "' says it holds "
                + size
                + " bytes but only "
                + left
                + " remain in the file; the shard is cut or corrupt",
            name);
      }
      long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
      char type = (char) header[156];
      switch (type) {
        case 'L' -> {
          longName = cString(readData(name, size, padded));
          continue;
        }
        case 'x' -> {
          String pax = new String(readData(name, size, padded), StandardCharsets.UTF_8);
          paxPath = paxValue(pax, "path", name);
          String s = paxValue(pax, "size", name);
          paxSize = s == null ? -1 : paxSize(s, name);
          continue;
        }
        case '0', '\0', '7' -> {
          if (size > maxMemberBytes) {
            throw new TarFormatException(
                "entry '"
                    + name
                    + "' holds "
                    + size
                    + " bytes, more than the limit of "
                    + maxMemberBytes
                    + " (max_entry_bytes); expected an image or caption file",
                name);
          }
          current = new Member(name, position, size);
          currentRead = false;
          pendingSkip = padded;
          return current;
        }
        default -> {
          // directories, links, devices, global pax headers, GNU long link names: no sample data
          skip(padded);
          longName = null;
          paxPath = null;
          paxSize = -1;
        }
      }
    }
  }

  /**
   * Reads the data of the member {@link #next()} returned last, which must be at most {@code limit}
   * bytes.
   */
  byte[] read(Member member, int limit) throws IOException {
    if (member != current || currentRead) {
      throw new IllegalStateException("read the member just returned by next(), once");
    }
    currentRead = true;
    if (member.size() > limit) {
      throw new TarFormatException(
          "entry '"
              + member.name()
              + "' holds "
              + member.size()
              + " bytes, more than the "
              + limit
              + " a caption file may hold");
    }
    byte[] data = new byte[(int) member.size()];
    int n = readFully(data, 0, data.length);
    if (n < data.length) {
      throw cut(member.name(), member.size(), n);
    }
    pendingSkip -= data.length;
    return data;
  }

  private byte[] readData(String name, long size, long padded) throws IOException {
    if (size > MAX_HEADER_DATA) {
      throw new TarFormatException(
          "the extended header of entry '"
              + name
              + "' holds "
              + size
              + " bytes, more than "
              + MAX_HEADER_DATA
              + "; expected a long name or pax records");
    }
    byte[] data = new byte[(int) size];
    int n = readFully(data, 0, data.length);
    if (n < data.length) {
      throw cut(name, size, n);
    }
    skip(padded - size);
    return data;
  }

  private TarFormatException cut(String name, long size, long got) {
    return new TarFormatException(
        "ends inside entry '" + name + "' (" + got + " of " + size + " bytes); the shard is cut",
        name);
  }

  private void skip(long bytes) throws IOException {
    long left = bytes;
    while (left > 0) {
      long n = in.skip(left);
      if (n <= 0) {
        if (in.read() < 0) {
          // the last member's padding may be missing; the next header read finds the end
          return;
        }
        n = 1;
      }
      left -= n;
      position += n;
    }
  }

  private int readFully(byte[] b, int off, int len) throws IOException {
    int total = 0;
    while (total < len) {
      int n = in.read(b, off + total, len - total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    position += total;
    return total;
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private void verifyChecksum(long at) throws TarFormatException {
    long stored;
    try {
      stored = octal(header, 148, 8);
    } catch (NumberFormatException e) {
      throw new TarFormatException(
          "the header at byte "
              + at
              + " has no valid checksum; this is not a tar file or it is"
              + " corrupt");
    }
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int b = i >= 148 && i < 156 ? ' ' : header[i];
      unsigned += b & 0xFF;
      signed += b;
    }
    if (stored != unsigned && stored != signed) {
      throw new TarFormatException(
          "the header at byte "
              + at
              + " fails its checksum (stored "
              + stored
              + ", computed "
              + unsigned
              + "); the shard is corrupt");
    }
  }

  private String headerName() {
    String name = cString(header, 0, 100);
    // POSIX "ustar\0" only: the old GNU magic "ustar  " keeps access and change times there
    boolean posix =
        header[257] == 'u'
            && header[258] == 's'
            && header[259] == 't'
            && header[260] == 'a'
            && header[261] == 'r'
            && header[262] == 0;
    String prefix = posix ? cString(header, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  private long size(long at, String name) throws TarFormatException {
    if ((header[124] & 0x80) != 0) {
      // GNU base-256: a big-endian number in the remaining bits
      if ((header[124] & 0x40) != 0) {
        throw new TarFormatException("entry '" + name + "' has a negative size");
      }
      long v = header[124] & 0x3F;
      for (int i = 125; i < 136; i++) {
        if (v > (Long.MAX_VALUE >> 8)) {
          throw new TarFormatException("entry '" + name + "' has a size too large to hold");
        }
        v = (v << 8) | (header[i] & 0xFF);
      }
      return v;
    }
    try {
      return octal(header, 124, 12);
    } catch (NumberFormatException e) {
      throw new TarFormatException(
          "the header at byte "
              + at
              + " (entry '"
              + name
              + "') has a size that is not an octal number; the shard is corrupt");
    }
  }

  private static long octal(byte[] b, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end && (b[i] == ' ' || b[i] == 0)) {
      i++;
    }
    long v = 0;
    int digits = 0;
    while (i < end && b[i] >= '0' && b[i] <= '7') {
      v = v * 8 + (b[i] - '0');
      i++;
      digits++;
    }
    while (i < end && (b[i] == ' ' || b[i] == 0)) {
      i++;
    }
    if (digits == 0 || i != end) {
      throw new NumberFormatException();
    }
    return v;
  }

  private static String cString(byte[] b) {
    return cString(b, 0, b.length);
  }

  private static String cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  /** The value of {@code key} in pax records ({@code "<length> key=value\n"}), or null. */
  private static String paxValue(String pax, String key, String name) throws TarFormatException {
    String found = null;
    int i = 0;
    while (i < pax.length()) {
      int space = pax.indexOf(' ', i);
      int nl = pax.indexOf('\n', i);
      if (space < 0 || nl < 0 || space > nl) {
        if (pax.substring(i).isBlank()) {
          break;
        }
        throw new TarFormatException(
            "the pax header of entry '" + name + "' has a malformed record");
      }
      String record = pax.substring(space + 1, nl);
      int eq = record.indexOf('=');
      if (eq > 0 && record.substring(0, eq).equals(key)) {
        found = record.substring(eq + 1);
      }
      i = nl + 1;
    }
    return found;
  }

  private long paxSize(String s, String name) throws TarFormatException {
    try {
      long v = Long.parseLong(s.strip());
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new TarFormatException(
          "the pax header of entry '"
              + name
              + "' has size '"
              + s.strip()
              + "', expected a whole number of bytes");
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** The file this reader reads, for messages. */
  Path file() {
    return file;
  }

  /** A tar file that does not follow the format: the reason, without the file's name. */
  static final class TarFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The member whose header was read before the problem, or {@code null}. */
    private final String member;

    TarFormatException(String message) {
      this(message, null);
    }

    TarFormatException(String message, String member) {
      super(message);
      this.member = member;
    }

    String member() {
      return member;
    }
  }

  static String describe(IOException e) {
    return e instanceof TarFormatException ? e.getMessage() : FailureText.of(e);
  }
}
