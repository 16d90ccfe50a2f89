package io.vleval.model.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.api.error.VlevalException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replies a run has received, so that a resumed run never asks the server twice: an append-only
 * JSON-lines file in the run directory, one line per reply ({@code key}: the SHA-256 of the
 * server's URL and the exact request body; {@code crc}: a CRC-32 of key and reply; {@code reply}:
 * the text).
 *
 * <p>Each entry is written with one append of a whole line. A line a crash cut short (no newline,
 * or a CRC that does not match) is never read back: opening the file truncates a torn last line
 * away, and a damaged line elsewhere is passed over with a warning, its request asked again. Only
 * the byte offsets of the entries stay in memory; a hit reads its line back from the file.
 *
 * <p>Models of one run that share the file (a judge and an evaluated model on the same server)
 * share one instance, opened and closed by reference count.
 */
final class ReplyCache implements AutoCloseable {

  /** Where in a run directory the replies are kept. */
  static final String FILE = "replies/openai-compatible.jsonl";

  private static final Logger LOG = LoggerFactory.getLogger(ReplyCache.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<Path, ReplyCache> OPEN = new HashMap<>();

  private final Path file;
  private final FileChannel channel;
  private final Map<String, long[]> index = new HashMap<>();
  private int users;

  private ReplyCache(Path file, FileChannel channel) {
    this.file = file;
    this.channel = channel;
  }

  /** The cache kept in {@code file}, opened once per process however many models use it. */
  static ReplyCache open(Path file) {
    Path key = file.toAbsolutePath().normalize();
    synchronized (OPEN) {
      ReplyCache cache = OPEN.get(key);
      if (cache == null) {
        cache = load(key);
        OPEN.put(key, cache);
      }
      cache.users++;
      return cache;
    }
  }

  private static ReplyCache load(Path file) {
    try {
      Files.createDirectories(file.getParent());
      FileChannel channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      ReplyCache cache = new ReplyCache(file, channel);
      try {
        long good = cache.readIndex();
        if (good < channel.size()) {
          LOG.warn(
              "{}: dropping a last entry cut short ({} bytes), its request will be asked again",
              file,
              channel.size() - good);
          channel.truncate(good);
        }
        channel.position(channel.size());
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      return cache;
    } catch (IOException e) {
      throw new VlevalException(
          file + ": cannot open the served model's reply cache: " + e.getMessage(), e);
    }
  }

  /** Indexes every whole line; returns the offset just after the last newline. */
  private long readIndex() throws IOException {
    long offset = 0;
    long lineNumber = 0;
    InputStream in = Channels.newInputStream(channel.position(0));
    byte[] chunk = new byte[1 << 16];
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int n;
    long lineStart = 0;
    while ((n = in.read(chunk)) > 0) {
      for (int i = 0; i < n; i++) {
        byte b = chunk[i];
        offset++;
        if (b != '\n') {
          line.write(b);
          continue;
        }
        lineNumber++;
        byte[] bytes = line.toByteArray();
        line.reset();
        Optional<String> key = keyOf(bytes);
        if (key.isPresent()) {
          index.put(key.get(), new long[] {lineStart, bytes.length});
        } else {
          LOG.warn(
              "{}:{}: a damaged entry, passed over; its request will be asked again",
              file,
              lineNumber);
        }
        lineStart = offset;
      }
    }
    return lineStart;
  }

  /** The entry's key when the line is a whole, undamaged entry. */
  private static Optional<String> keyOf(byte[] line) {
    Optional<JsonNode> node = parse(line);
    return node.map(n -> n.path("key").asText(null));
  }

  private static Optional<JsonNode> parse(byte[] line) {
    try {
      JsonNode node = JSON.readTree(line);
      if (node == null
          || !node.path("key").isTextual()
          || !node.path("reply").isTextual()
          || !node.path("crc").canConvertToLong()) {
        return Optional.empty();
      }
      long crc = crc(node.get("key").asText(), node.get("reply").asText());
      return crc == node.get("crc").asLong() ? Optional.of(node) : Optional.empty();
    } catch (IOException e) {
      // a torn or damaged line: not an entry (the caller says so)
      return Optional.empty();
    }
  }

  private static long crc(String key, String reply) {
    CRC32 crc = new CRC32();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    crc.update(0);
    crc.update(reply.getBytes(StandardCharsets.UTF_8));
    return crc.getValue();
  }

  /** The reply recorded under {@code key}, read back from the file. */
  synchronized Optional<String> get(String key) {
    long[] at = index.get(key);
    if (at == null) {
      return Optional.empty();
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) at[1]);
    try {
      long position = at[0];
      while (buffer.hasRemaining()) {
        int read = channel.read(buffer, position);
        if (read < 0) {
          break;
        }
        position += read;
      }
    } catch (IOException e) {
      throw new VlevalException(file + ": cannot read a cached reply: " + e.getMessage(), e);
    }
    return parse(buffer.array()).map(n -> n.get("reply").asText());
  }

  /** Appends {@code reply} under {@code key}, as one whole line. */
  synchronized void put(String key, String reply) {
    if (index.containsKey(key)) {
      return;
    }
    ObjectNode entry = JSON.createObjectNode();
    entry.put("key", key);
    entry.put("crc", crc(key, reply));
    entry.put("reply", reply);
    byte[] line;
    try {
      line = JSON.writeValueAsBytes(entry);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a reply entry", e);
    }
    ByteBuffer buffer = ByteBuffer.allocate(line.length + 1).put(line).put((byte) '\n').flip();
    try {
      long offset = channel.size();
      channel.position(offset);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      index.put(key, new long[] {offset, line.length});
    } catch (IOException e) {
      throw new VlevalException(file + ": cannot record a reply: " + e.getMessage(), e);
    }
  }

  synchronized int size() {
    return index.size();
  }

  @Override
  public void close() {
    synchronized (OPEN) {
      if (--users > 0) {
        return;
      }
      OPEN.remove(file);
    }
    try {
      channel.close();
    } catch (IOException e) {
      throw new VlevalException(file + ": cannot close the reply cache: " + e.getMessage(), e);
    }
  }
}
