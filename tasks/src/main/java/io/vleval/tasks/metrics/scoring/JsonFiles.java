package io.vleval.tasks.metrics.scoring;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON reading for the score inputs: small documents as trees, numeric matrices streamed (a 25,000
 * x 5,000 score matrix must not become 125 million tree nodes).
 */
public final class JsonFiles {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private JsonFiles() {}

  public static JsonNode tree(Path file) {
    try {
      return MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new ScoreInputException(file, "whole file", "not readable as JSON: " + oneLine(e), e);
    }
  }

  /**
   * Streams a top-level JSON object, keeping float matrices ({@code float[][]}) for keys in {@code
   * matrixKeys} and a small tree for every other key.
   */
  public static Map<String, Object> objectWithMatrices(Path file, List<String> matrixKeys) {
    if (!Files.isRegularFile(file)) {
      throw new ScoreInputException(file, "whole file", "no such file");
    }
    Map<String, Object> out = new HashMap<>();
    try (JsonParser p = FACTORY.createParser(file.toFile())) {
      p.setCodec(MAPPER);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ScoreInputException(
            file, "top level", "expected a JSON object, found " + p.currentToken());
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        if (matrixKeys.contains(key)) {
          out.put(key, readMatrix(p, file, key));
        } else {
          out.put(key, p.readValueAsTree());
        }
      }
    } catch (IOException e) {
      throw new ScoreInputException(file, "whole file", "not readable as JSON: " + oneLine(e), e);
    }
    return out;
  }

  private static float[][] readMatrix(JsonParser p, Path file, String key) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new ScoreInputException(
          file, "key \"" + key + "\"", "expected an array of number arrays");
    }
    List<float[]> rows = new ArrayList<>();
    float[] buffer = new float[1024];
    while (p.nextToken() != JsonToken.END_ARRAY) {
      int row = rows.size();
      if (p.currentToken() != JsonToken.START_ARRAY) {
        throw new ScoreInputException(
            file, "key \"" + key + "\"[" + row + "]", "expected an array of numbers");
      }
      int n = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        if (!p.currentToken().isNumeric()) {
          throw new ScoreInputException(
              file,
              "key \"" + key + "\"[" + row + "][" + n + "]",
              "expected a number, found " + p.getText());
        }
        if (n == buffer.length) {
          buffer = Arrays.copyOf(buffer, n * 2);
        }
        buffer[n++] = (float) p.getDoubleValue();
      }
      if (!rows.isEmpty() && rows.get(0).length != n) {
        throw new ScoreInputException(
            file,
            "key \"" + key + "\"[" + row + "]",
            "row has " + n + " numbers, row 0 has " + rows.get(0).length);
      }
      rows.add(Arrays.copyOf(buffer, n));
    }
    return rows.toArray(new float[0][]);
  }

  public static int[] intArray(JsonNode node, Path file, String key) {
    if (node == null || !node.isArray()) {
      throw new ScoreInputException(
          file, "key \"" + key + "\"", node == null ? "missing" : "expected an array of integers");
    }
    int[] out = new int[node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = node.get(i);
      if (!v.canConvertToInt() || !v.isIntegralNumber()) {
        throw new ScoreInputException(
            file, "key \"" + key + "\"[" + i + "]", "expected an integer, found " + v);
      }
      out[i] = v.intValue();
    }
    return out;
  }

  public static String oneLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
