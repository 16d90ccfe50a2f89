package io.vleval.model.internvl.safetensors;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One safetensors file, opened read-only and read tensor by tensor.
 *
 * <p>Layout: an 8-byte little-endian header length {@code n}, {@code n} bytes of JSON (one entry
 * per tensor with {@code dtype}, {@code shape} and {@code data_offsets} relative to the data area,
 * plus an optional {@code __metadata__} string map), then the raw little-endian data.
 *
 * <p>{@link #open} validates the whole header before anything is allocated from it: the header
 * length must fit the file and {@link #MAX_HEADER_BYTES}; every dtype must be known; every shape
 * must be non-negative with a byte size that does not overflow; every byte range must lie inside
 * the data area and match dtype × shape exactly; and no two ranges may overlap. Each failure is a
 * {@link SafetensorsException} with one line naming the file, the key and the problem.
 */
public final class SafetensorsFile implements TensorSource {

  /** The largest header this reader accepts (100 MiB; real headers are a few MiB at most). */
  public static final long MAX_HEADER_BYTES = 100L << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(
      Path path,
      FileChannel channel,
      long dataStart,
      Map<String, TensorInfo> tensors,
      Map<String, String> metadata) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /**
   * Opens and validates a file; nothing but the header is read.
   *
   * @param path the file
   * @return the open file; close it when done
   * @throws SafetensorsException when the file is missing, truncated or its header is invalid
   */
  public static SafetensorsFile open(Path path) {
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new SafetensorsException(path, "cannot open", e);
    }
    try {
      return read(path, channel);
    } catch (RuntimeException e) {
      closeQuietly(channel, e);
      throw e;
    }
  }

  private static void closeQuietly(FileChannel channel, RuntimeException primary) {
    try {
      channel.close();
    } catch (IOException e) {
      primary.addSuppressed(e);
    }
  }

  private static SafetensorsFile read(Path path, FileChannel channel) {
    long fileSize;
    ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    try {
      fileSize = channel.size();
      if (fileSize < 8) {
        throw new SafetensorsException(
            path, "truncated: " + fileSize + " bytes, too short for the 8-byte header length");
      }
      readFully(channel, lengthBytes, 0);
    } catch (IOException e) {
      throw new SafetensorsException(path, "cannot read the header length", e);
    }
    long headerLength = lengthBytes.getLong(0);
    if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
      throw new SafetensorsException(
          path,
          "header length "
              + Long.toUnsignedString(headerLength)
              + " exceeds the limit of "
              + MAX_HEADER_BYTES
              + " bytes");
    }
    if (headerLength > fileSize - 8) {
      throw new SafetensorsException(
          path,
          "header length "
              + headerLength
              + " runs past the end of the file ("
              + fileSize
              + " bytes; at most "
              + (fileSize - 8)
              + " expected)");
    }
    if (headerLength < 2) {
      throw new SafetensorsException(
          path, "header length " + headerLength + " is too short for a JSON object");
    }
    ByteBuffer header = ByteBuffer.allocate((int) headerLength);
    try {
      readFully(channel, header, 8);
    } catch (IOException e) {
      throw new SafetensorsException(path, "cannot read the header", e);
    }
    long dataStart = 8 + headerLength;
    long dataSize = fileSize - dataStart;
    JsonNode root;
    try {
      root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new SafetensorsException(
          path,
          "header is not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
    }
    if (root == null || !root.isObject()) {
      throw new SafetensorsException(path, "header is not a JSON object");
    }
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if ("__metadata__".equals(field.getKey())) {
        readMetadata(path, field.getValue(), metadata);
      } else {
        TensorInfo info = readEntry(path, field.getKey(), field.getValue(), dataSize);
        tensors.put(info.name(), info);
      }
    }
    checkOverlaps(path, tensors.values());
    return new SafetensorsFile(
        path,
        channel,
        dataStart,
        Collections.unmodifiableMap(tensors),
        Collections.unmodifiableMap(metadata));
  }

  private static void readFully(FileChannel channel, ByteBuffer target, long position)
      throws IOException {
    long pos = position;
    while (target.hasRemaining()) {
      int n = channel.read(target, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file at byte " + pos);
      }
      pos += n;
    }
  }

  private static void readMetadata(Path path, JsonNode node, Map<String, String> metadata) {
    if (!node.isObject()) {
      throw new SafetensorsException(
          path, "__metadata__ is " + node.getNodeType() + ", expected an object of strings");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new SafetensorsException(
            path,
            "__metadata__ entry '"
                + e.getKey()
                + "' is "
                + e.getValue().getNodeType()
                + ", expected a string");
      }
      metadata.put(e.getKey(), e.getValue().asText());
    }
  }

  private static TensorInfo readEntry(Path path, String key, JsonNode node, long dataSize) {
    if (!node.isObject()) {
      throw new SafetensorsException(
          path, key, "entry is " + node.getNodeType() + ", expected an object");
    }
    JsonNode dtypeNode = node.get("dtype");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw new SafetensorsException(path, key, "missing or non-string 'dtype'");
    }
    SafetensorsDtype dtype =
        SafetensorsDtype.fromHeader(dtypeNode.asText())
            .orElseThrow(
                () ->
                    new SafetensorsException(
                        path,
                        key,
                        "unknown dtype '"
                            + dtypeNode.asText()
                            + "', expected one of F32, F16, BF16, I64, I32, U8"));
    JsonNode shapeNode = node.get("shape");
    if (shapeNode == null || !shapeNode.isArray()) {
      throw new SafetensorsException(path, key, "missing 'shape' array");
    }
    long[] shape = new long[shapeNode.size()];
    long bytes = dtype.byteSize();
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = shapeNode.get(i);
      if (!d.canConvertToExactIntegral() || !d.canConvertToLong() || d.asLong() < 0) {
        throw new SafetensorsException(
            path, key, "shape " + shapeNode + " has an entry that is not a non-negative integer");
      }
      shape[i] = d.asLong();
      try {
        bytes = Math.multiplyExact(bytes, shape[i]);
      } catch (ArithmeticException e) {
        throw new SafetensorsException(
            path, key, "shape " + shapeNode + " overflows a 64-bit byte count");
      }
    }
    JsonNode offsets = node.get("data_offsets");
    if (offsets == null || !offsets.isArray() || offsets.size() != 2) {
      throw new SafetensorsException(path, key, "missing 'data_offsets' [begin, end]");
    }
    for (JsonNode o : offsets) {
      if (!o.canConvertToExactIntegral() || !o.canConvertToLong() || o.asLong() < 0) {
        throw new SafetensorsException(
            path, key, "data_offsets " + offsets + " are not non-negative integers");
      }
    }
    long begin = offsets.get(0).asLong();
    long end = offsets.get(1).asLong();
    if (end < begin) {
      throw new SafetensorsException(
          path, key, "data_offsets " + offsets + " end before they begin");
    }
    if (end > dataSize) {
      throw new SafetensorsException(
          path,
          key,
          "data_offsets " + offsets + " lie outside the data area of " + dataSize + " bytes");
    }
    if (end - begin != bytes) {
      throw new SafetensorsException(
          path,
          key,
          "data_offsets "
              + offsets
              + " span "
              + (end - begin)
              + " bytes but "
              + dtype
              + " x "
              + shapeNode
              + " needs "
              + bytes);
    }
    return new TensorInfo(key, dtype, shape, begin, end);
  }

  private static void checkOverlaps(Path path, Collection<TensorInfo> infos) {
    List<TensorInfo> sorted = new ArrayList<>(infos);
    sorted.removeIf(t -> t.byteSize() == 0);
    sorted.sort(Comparator.comparingLong(TensorInfo::begin));
    for (int i = 1; i < sorted.size(); i++) {
      TensorInfo prev = sorted.get(i - 1);
      TensorInfo cur = sorted.get(i);
      if (cur.begin() < prev.end()) {
        throw new SafetensorsException(
            path,
            cur.name(),
            "bytes ["
                + cur.begin()
                + ","
                + cur.end()
                + ") overlap tensor '"
                + prev.name()
                + "' at ["
                + prev.begin()
                + ","
                + prev.end()
                + ")");
      }
    }
  }

  /**
   * Returns the file's path.
   *
   * @return the path
   */
  public Path path() {
    return path;
  }

  /**
   * Returns the {@code __metadata__} map (empty when absent).
   *
   * @return the metadata
   */
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public Set<String> keys() {
    return tensors.keySet();
  }

  @Override
  public TensorInfo info(String key) {
    TensorInfo info = tensors.get(key);
    if (info == null) {
      throw new SafetensorsException(
          path, key, "no such tensor; the file holds " + tensors.size() + " tensors");
    }
    return info;
  }

  @Override
  public Path fileOf(String key) {
    info(key);
    return path;
  }

  /**
   * Reads a tensor's bytes.
   *
   * @param key the tensor key
   * @return a little-endian heap buffer holding a copy of the tensor's bytes
   */
  public ByteBuffer raw(String key) {
    TensorInfo info = info(key);
    ByteBuffer out =
        ByteBuffer.allocate(byteCount(key, info.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
    read(key, out, dataStart + info.begin());
    return out.flip();
  }

  @Override
  public float[] floats(String key) {
    TensorInfo info = info(key);
    if (!info.dtype().isFloatingPoint()) {
      throw new SafetensorsException(
          path, key, "dtype " + info.dtype() + " is not a floating-point type");
    }
    ByteBuffer buf = raw(key);
    int n = Math.toIntExact(info.elementCount());
    float[] out = new float[n];
    switch (info.dtype()) {
      case F32 -> buf.asFloatBuffer().get(out);
      case F16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = HalfFloats.f16ToFloat(buf.getShort(2 * i));
        }
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = HalfFloats.bf16ToFloat(buf.getShort(2 * i));
        }
      }
      default -> throw new IllegalStateException(info.dtype().toString());
    }
    return out;
  }

  @Override
  public long[] longs(String key) {
    TensorInfo info = info(key);
    ByteBuffer buf = raw(key);
    int n = Math.toIntExact(info.elementCount());
    long[] out = new long[n];
    switch (info.dtype()) {
      case I64 -> buf.asLongBuffer().get(out);
      case I32 -> {
        for (int i = 0; i < n; i++) {
          out[i] = buf.getInt(4 * i);
        }
      }
      case U8 -> {
        for (int i = 0; i < n; i++) {
          out[i] = buf.get(i) & 0xff;
        }
      }
      default ->
          throw new SafetensorsException(
              path, key, "dtype " + info.dtype() + " is not an integer type");
    }
    return out;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The bytes are read straight into memory the engine allocates for the tensor (float16 and
   * bfloat16 decoded to float32 on the way through a small heap buffer): neither a mapping of the
   * file nor a direct buffer outlives the call, so once a model closes nothing of its checkpoint
   * waits for the garbage collector, as mapped and direct buffers do, to leave native memory.
   */
  @Override
  public NDArray toNDArray(String key, NDManager manager) {
    TensorInfo info = info(key);
    Shape shape = new Shape(info.shape());
    DataType type =
        switch (info.dtype()) {
          case F32, F16, BF16 -> DataType.FLOAT32;
          case I64 -> DataType.INT64;
          case I32 -> DataType.INT32;
          case U8 -> DataType.UINT8;
          default -> throw new IllegalStateException(info.dtype().toString());
        };
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new IllegalStateException("native byte order must be little-endian");
    }
    if (!manager.getDevice().equals(Device.cpu())) {
      // filled on the host, then copied to the device in one transfer
      try (NDManager host = manager.newSubManager(Device.cpu())) {
        NDArray staged = host.create(shape, type);
        fill(key, info, staged);
        NDArray owned = staged.toDevice(manager.getDevice(), true);
        owned.attach(manager);
        return owned;
      }
    }
    NDArray owned = manager.create(shape, type);
    try {
      fill(key, info, owned);
    } catch (RuntimeException e) {
      owned.close();
      throw e;
    }
    return owned;
  }

  /** Reads a tensor into a new contiguous host array of its shape (float32 for float types). */
  private void fill(String key, TensorInfo info, NDArray target) {
    long n = info.elementCount();
    if (n == 0) {
      return;
    }
    // a contiguous CPU tensor's buffer is a view of its memory, not a copy
    ByteBuffer view = target.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN);
    if (!view.isDirect()
        || view.capacity() != byteCount(key, n * target.getDataType().getNumOfBytes())) {
      throw new IllegalStateException(
          "the engine gave no direct view of the new tensor '" + key + "'");
    }
    long start = dataStart + info.begin();
    if (info.dtype() != SafetensorsDtype.F16 && info.dtype() != SafetensorsDtype.BF16) {
      read(key, view, start);
      return;
    }
    boolean bf16 = info.dtype() == SafetensorsDtype.BF16;
    ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    long done = 0;
    while (done < n) {
      int m = (int) Math.min(n - done, chunk.capacity() / 2);
      chunk.clear().limit(2 * m);
      read(key, chunk, start + 2 * done);
      for (int i = 0; i < m; i++) {
        short s = chunk.getShort(2 * i);
        view.putFloat(
            Math.toIntExact(4 * (done + i)),
            bf16 ? HalfFloats.bf16ToFloat(s) : HalfFloats.f16ToFloat(s));
      }
      done += m;
    }
  }

  private int byteCount(String key, long bytes) {
    if (bytes > Integer.MAX_VALUE) {
      throw new SafetensorsException(
          path, key, bytes + " bytes exceed the 2 GiB that one buffer can hold");
    }
    return (int) bytes;
  }

  private void read(String key, ByteBuffer target, long position) {
    try {
      readFully(channel, target, position);
    } catch (IOException e) {
      throw new SafetensorsException(path, "cannot read tensor '" + key + "'", e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new SafetensorsException(path, "cannot close", e);
    }
  }
}
