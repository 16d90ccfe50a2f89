package io.vleval.tasks.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.tasks.mmbench.McqItem;
import io.vleval.tasks.mmbench.MultipleChoiceTsv;
import io.vleval.testkit.FixtureCases;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The golden metric cases under the fixture root's {@code metrics/}, found by content: every {@code
 * *.json} in it or its sub-folders is a fixture file whose {@code family} key says which metric
 * family its cases belong to, and an MMBench file's TSV pair is found by its columns and row
 * indices. File names never matter, and a family with no case fails (see {@link FixtureCases}).
 * Also small readers for the fixtures' JSON.
 */
public final class Fixtures {

  /** The families whose files hold a {@code cases} array. */
  public static final Set<String> CASE_FAMILIES =
      Set.of("captioning", "retrieval", "segmentation", "zeroshot_classification");

  /** The family whose file is one case with a pair of TSVs. */
  public static final String MMBENCH = "mmbench";

  private static final String AREA = "metrics";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Fixtures() {}

  /**
   * One case of a metric fixture file.
   *
   * @param name the case's {@code name}
   * @param file the fixture file it is in; paths in the case are relative to its folder
   * @param json the case
   * @param label the name tests show: the case name and the file relative to the root
   */
  public record Case(String name, Path file, JsonNode json, String label) {

    /**
     * @param relative a path the case gives
     * @return it resolved against the folder of the case's file
     */
    public Path resolve(String relative) {
      return file.getParent().resolve(relative);
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /**
   * An MMBench fixture file and the TSV pair its rows come from.
   *
   * @param file the JSON file ({@code family: mmbench})
   * @param json its content
   * @param predictions the prediction TSV: a {@code prediction} column and exactly the indices of
   *     the file's {@code rows}
   * @param dataset the dataset TSV: an {@code answer} column, no {@code prediction} column, and
   *     every index of the predictions
   * @param label the file relative to the root
   */
  public record Mmbench(Path file, JsonNode json, Path predictions, Path dataset, String label) {
    @Override
    public String toString() {
      return label;
    }
  }

  /**
   * @return every {@code *.json} under {@code metrics/}, in path order
   */
  public static List<Path> jsonFiles() {
    return FixtureCases.of().files(AREA, "json");
  }

  /**
   * @param file a JSON file
   * @return its content
   */
  public static JsonNode read(Path file) {
    try {
      return MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every case of one family, from every file of that family; fails when there is none.
   *
   * @param family a family of {@link #CASE_FAMILIES}
   * @return its cases, in file order then case order
   */
  public static List<Case> cases(String family) {
    FixtureCases root = FixtureCases.of();
    List<Case> out = new ArrayList<>();
    for (Path file : root.files(AREA, "json")) {
      JsonNode json = read(file);
      if (!family.equals(json.path("family").asText())) {
        continue;
      }
      JsonNode cases = json.get("cases");
      if (cases == null || !cases.isArray() || cases.isEmpty()) {
        throw new AssertionError(root.relative(file) + ": family " + family + " but no cases");
      }
      for (JsonNode c : cases) {
        String name = c.path("name").asText();
        out.add(new Case(name, file, c, name + " [" + root.relative(file) + "]"));
      }
    }
    return root.require(AREA + "/" + family, out);
  }

  /**
   * Every MMBench file with its TSV pair, found by content among every {@code *.tsv} under {@code
   * metrics/}; fails when there is none, or when a file's pair is missing or ambiguous.
   *
   * @return the MMBench cases, in file order
   */
  public static List<Mmbench> mmbench() {
    FixtureCases root = FixtureCases.of();
    List<Mmbench> out = new ArrayList<>();
    for (Path file : root.files(AREA, "json")) {
      JsonNode json = read(file);
      if (!MMBENCH.equals(json.path("family").asText())) {
        continue;
      }
      Set<Long> rows = new TreeSet<>();
      json.path("rows").forEach(r -> rows.add(r.get("index").longValue()));
      if (rows.isEmpty()) {
        throw new AssertionError(root.relative(file) + ": family mmbench but no rows");
      }
      List<Path> predictions = new ArrayList<>();
      List<Path> datasets = new ArrayList<>();
      for (Path tsv : root.files(AREA, "tsv")) {
        List<String> columns = columns(tsv);
        if (columns.contains("prediction")) {
          if (predictionIndices(tsv).equals(rows)) {
            predictions.add(tsv);
          }
        } else if (columns.contains("answer")
            && MultipleChoiceTsv.answers(tsv).keySet().containsAll(rows)) {
          datasets.add(tsv);
        }
      }
      String label = root.relative(file);
      out.add(
          new Mmbench(
              file,
              json,
              single(label, "prediction TSV with exactly its rows' indices", predictions, root),
              single(label, "dataset TSV with every index of its rows", datasets, root),
              label));
    }
    return root.require(AREA + "/" + MMBENCH, out);
  }

  /**
   * @param tsv a TSV file
   * @return the indices of its prediction rows
   */
  public static Set<Long> predictionIndices(Path tsv) {
    return MultipleChoiceTsv.predictions(tsv).stream()
        .map(McqItem::index)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * @param tsv a TSV file
   * @return the names in its header line
   */
  public static List<String> columns(Path tsv) {
    try (BufferedReader in = Files.newBufferedReader(tsv, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      return header == null ? List.of() : Arrays.asList(header.split("\t", -1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path single(String file, String what, List<Path> found, FixtureCases root) {
    if (found.size() != 1) {
      throw new AssertionError(
          file
              + ": expected one "
              + what
              + " under metrics/, found "
              + found.size()
              + (found.isEmpty()
                  ? ""
                  : ": " + found.stream().map(root::relative).collect(Collectors.joining(", "))));
    }
    return found.get(0);
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
