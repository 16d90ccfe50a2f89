package io.vleval.model.internvl.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a safetensors file in memory order: tensors are laid out contiguously in the order they
 * were added, the header is padded with spaces to an 8-byte boundary, and the file is written to a
 * temporary sibling and moved into place.
 *
 * <pre>{@code
 * new SafetensorsWriter().metadata("format", "pt").addF32("w", new long[] {2, 2}, values).write(path);
 * }</pre>
 */
public final class SafetensorsWriter {

  private record Entry(SafetensorsDtype dtype, long[] shape, byte[] data) {}

  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();

  /**
   * Adds a {@code __metadata__} entry.
   *
   * @param key the key
   * @param value the value
   * @return this writer
   */
  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /**
   * Adds a tensor given as raw little-endian bytes.
   *
   * @param name the key
   * @param dtype the element type
   * @param shape the shape
   * @param data exactly {@code dtype.byteSize() * product(shape)} bytes
   * @return this writer
   */
  public SafetensorsWriter add(String name, SafetensorsDtype dtype, long[] shape, byte[] data) {
    long n = dtype.byteSize();
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(name + ": negative dimension");
      }
      n = Math.multiplyExact(n, d);
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          name + ": " + data.length + " bytes given, " + n + " expected");
    }
    if ("__metadata__".equals(name)
        || entries.putIfAbsent(name, new Entry(dtype, shape.clone(), data)) != null) {
      throw new IllegalArgumentException("duplicate or reserved tensor name '" + name + "'");
    }
    return this;
  }

  /**
   * Adds float values, stored as {@code dtype} (F32, or F16/BF16 rounded to nearest even).
   *
   * @param name the key
   * @param dtype F32, F16 or BF16
   * @param shape the shape
   * @param values the values, row-major
   * @return this writer
   */
  public SafetensorsWriter addFloats(
      String name, SafetensorsDtype dtype, long[] shape, float[] values) {
    ByteBuffer b =
        ByteBuffer.allocate(values.length * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      switch (dtype) {
        case F32 -> b.putFloat(v);
        case F16 -> b.putShort(HalfFloats.floatToF16(v));
        case BF16 -> b.putShort(HalfFloats.floatToBf16(v));
        default -> throw new IllegalArgumentException(name + ": " + dtype + " is not a float type");
      }
    }
    return add(name, dtype, shape, b.array());
  }

  /**
   * Adds float32 values.
   *
   * @param name the key
   * @param shape the shape
   * @param values the values, row-major
   * @return this writer
   */
  public SafetensorsWriter addF32(String name, long[] shape, float[] values) {
    return addFloats(name, SafetensorsDtype.F32, shape, values);
  }

  /**
   * Adds 64-bit integers.
   *
   * @param name the key
   * @param shape the shape
   * @param values the values, row-major
   * @return this writer
   */
  public SafetensorsWriter addI64(String name, long[] shape, long[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return add(name, SafetensorsDtype.I64, shape, b.array());
  }

  /**
   * Returns the header JSON this writer would write, padded to an 8-byte boundary (with the 8-byte
   * length prefix excluded).
   *
   * @return the padded header bytes
   */
  public byte[] header() {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = root.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      ObjectNode t = root.putObject(e.getKey());
      t.put("dtype", e.getValue().dtype().name());
      ArrayNode shape = t.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      ArrayNode offsets = t.putArray("data_offsets");
      offsets.add(offset);
      offset += e.getValue().data().length;
      offsets.add(offset);
    }
    byte[] raw = root.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (raw.length + 7) / 8 * 8;
    byte[] out = new byte[padded];
    System.arraycopy(raw, 0, out, 0, raw.length);
    for (int i = raw.length; i < padded; i++) {
      out[i] = ' ';
    }
    return out;
  }

  /**
   * Writes the file atomically.
   *
   * @param path the destination
   * @throws SafetensorsException on an I/O failure
   */
  public void write(Path path) {
    byte[] header = header();
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer len =
          ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
      writeFully(ch, len);
      writeFully(ch, ByteBuffer.wrap(header));
      for (Entry e : entries.values()) {
        writeFully(ch, ByteBuffer.wrap(e.data()));
      }
    } catch (IOException e) {
      throw new SafetensorsException(path, "cannot write", e);
    }
    try {
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new SafetensorsException(path, "cannot move the written file into place", e);
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }
}
