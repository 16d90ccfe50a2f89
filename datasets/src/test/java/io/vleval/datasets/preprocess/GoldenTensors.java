package io.vleval.datasets.preprocess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A minimal, bounds-checked safetensors reader for the golden cases (F32 and U8 only). The full
 * reader lives in model-internvl, which this module must not depend on.
 */
final class GoldenTensors {
  /** One tensor: dtype, shape, and its raw little-endian bytes. */
  record Tensor(String dtype, long[] shape, byte[] data) {
    long elements() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    float[] asFloats() {
      if (!dtype.equals("F32")) {
        throw new IllegalStateException("tensor is " + dtype + ", not F32");
      }
      float[] out = new float[data.length / 4];
      ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
      return out;
    }

    byte[] asBytes() {
      if (!dtype.equals("U8")) {
        throw new IllegalStateException("tensor is " + dtype + ", not U8");
      }
      return data;
    }
  }

  private GoldenTensors() {}

  static Map<String, Tensor> read(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    if (all.length < 8) {
      throw new IOException(file + ": too short for a safetensors header");
    }
    long headerLength = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (headerLength <= 0 || headerLength > all.length - 8L) {
      throw new IOException(
          file + ": header length " + headerLength + " does not fit in " + all.length + " bytes");
    }
    int dataStart = 8 + (int) headerLength;
    JsonNode header =
        new ObjectMapper().readTree(new String(all, 8, (int) headerLength, StandardCharsets.UTF_8));
    Map<String, Tensor> tensors = new HashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = header.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      JsonNode t = e.getValue();
      String dtype = t.path("dtype").asText();
      int width =
          switch (dtype) {
            case "F32" -> 4;
            case "U8" -> 1;
            default ->
                throw new IOException(
                    file
                        + ": tensor "
                        + e.getKey()
                        + " has dtype "
                        + dtype
                        + ", only F32 and U8 are read");
          };
      List<Long> dims = new ArrayList<>();
      for (JsonNode d : t.path("shape")) {
        if (!d.canConvertToLong() || d.asLong() < 0) {
          throw new IOException(
              file + ": tensor " + e.getKey() + " has a bad shape " + t.path("shape"));
        }
        dims.add(d.asLong());
      }
      long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
      JsonNode offsets = t.path("data_offsets");
      if (offsets.size() != 2) {
        throw new IOException(file + ": tensor " + e.getKey() + " lacks data_offsets");
      }
      long begin = offsets.get(0).asLong();
      long end = offsets.get(1).asLong();
      long elements = 1;
      for (long d : shape) {
        elements = Math.multiplyExact(elements, d);
      }
      if (begin < 0
          || end < begin
          || dataStart + end > all.length
          || end - begin != elements * width) {
        throw new IOException(
            file
                + ": tensor "
                + e.getKey()
                + " offsets ["
                + begin
                + ", "
                + end
                + ") do not match shape "
                + dims
                + " of "
                + dtype
                + " inside "
                + (all.length - dataStart)
                + " data bytes");
      }
      byte[] data = new byte[(int) (end - begin)];
      System.arraycopy(all, dataStart + (int) begin, data, 0, data.length);
      tensors.put(e.getKey(), new Tensor(dtype, shape, data));
    }
    return tensors;
  }
}
