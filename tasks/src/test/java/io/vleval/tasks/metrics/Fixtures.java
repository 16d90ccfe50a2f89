package io.vleval.tasks.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The golden metric fixtures, under the test kit's fixture root; a missing root fails the test
 * (never skips it). Also small readers for the fixtures' JSON.
 */
public final class Fixtures {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Fixtures() {}

  /** The fixture root folder (the test kit's), which must hold metrics/. */
  public static Path root() {
    Path root = io.vleval.testkit.Fixtures.root();
    if (!Files.isDirectory(root.resolve("metrics"))) {
      throw new AssertionError("fixture root " + root.toAbsolutePath() + " has no metrics/ folder");
    }
    return root;
  }

  /** {@code <root>/metrics}. */
  public static Path metrics() {
    return root().resolve("metrics");
  }

  /** Parses {@code metrics/<name>}. */
  public static JsonNode metricsJson(String name) {
    try {
      return MAPPER.readTree(metrics().resolve(name).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code cases} array of a fixture file as a list. */
  public static List<JsonNode> cases(String name) {
    List<JsonNode> out = new ArrayList<>();
    metricsJson(name).get("cases").forEach(out::add);
    if (out.isEmpty()) {
      throw new AssertionError(name + " has no cases");
    }
    return out;
  }

  /** A JSON number, with {@code null} read as NaN (how the fixtures write NaN). */
  public static double number(JsonNode node) {
    return node == null || node.isNull() ? Double.NaN : node.doubleValue();
  }

  public static float[][] floatMatrix(JsonNode node) {
    float[][] out = new float[node.size()][];
    for (int i = 0; i < out.length; i++) {
      JsonNode row = node.get(i);
      out[i] = new float[row.size()];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = (float) row.get(j).doubleValue();
      }
    }
    return out;
  }

  public static int[] intArray(JsonNode node) {
    int[] out = new int[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = node.get(i).intValue();
    }
    return out;
  }

  public static long[] longArray(JsonNode node) {
    long[] out = new long[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = node.get(i).longValue();
    }
    return out;
  }

  public static double[] doubleArray(JsonNode node) {
    double[] out = new double[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = number(node.get(i));
    }
    return out;
  }

  /** Asserts |actual - expected| <= abs + rel*|expected|, NaN matching NaN only. */
  public static void assertClose(
      String what, double actual, double expected, double abs, double rel) {
    if (Double.isNaN(expected) || Double.isNaN(actual)) {
      if (Double.isNaN(expected) != Double.isNaN(actual)) {
        throw new AssertionError(what + ": expected " + expected + " but was " + actual);
      }
      return;
    }
    double diff = Math.abs(actual - expected);
    if (!(diff <= abs + rel * Math.abs(expected))) {
      throw new AssertionError(
          what + ": expected " + expected + " but was " + actual + " (diff " + diff + ")");
    }
  }
}
