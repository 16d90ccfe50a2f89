package io.vleval.core.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.api.error.VlevalException;
import io.vleval.api.result.RunResult;
import io.vleval.results.ResultCodec;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A run as the gates read it: its result and, when it comes from a {@code results.json}, what that
 * file left {@code null} or out among the numbers a gate reads. Reading JSON into the result's
 * numbers turns a {@code null} (or a missing key) into 0, which a gate would then compare as a real
 * score; so the file is also read as a tree, and each metric's {@code value} and its interval's
 * {@code lower}, {@code upper} and {@code level} that are null or absent are recorded here, for the
 * gate to fail closed on them as it does on NaN.
 *
 * <p>Names a gate matches on (a task's {@code task}, {@code model}, {@code dataset} and {@code
 * headline}, a metric's {@code name}, a dataset's {@code name} in the provenance) and the {@code
 * provenance} itself must be present: a file without them is refused as a whole, naming the place.
 */
public final class GateInput {

  /** The results file of a run directory (the runner's {@code ResultFiles.JSON}). */
  private record Key(String model, String task, String metric, String field) {}

  private final RunResult result;
  private final Map<Key, String> gaps;

  private GateInput(RunResult result, Map<Key, String> gaps) {
    this.result = result;
    this.gaps = Map.copyOf(gaps);
  }

  /** A run held in memory (the one just finished): every number is what the run computed. */
  public static GateInput of(RunResult result) {
    return new GateInput(result, Map.of());
  }

  /**
   * Reads a {@code results.json}, or the one in a run directory.
   *
   * @throws VlevalException when the file is missing, is not a results file, or lacks a name or the
   *     provenance, naming the file and the place in it
   */
  public static GateInput read(Path fileOrRunDirectory) {
    ResultCodec.ResultsText text = ResultCodec.readText(fileOrRunDirectory);
    return parse(text.json(), text.file().toString());
  }

  /**
   * Parses {@code results.json} text.
   *
   * @param source names the text in messages (its file)
   */
  public static GateInput parse(String json, String source) {
    RunResult result = ResultCodec.parse(json, source);
    JsonNode tree;
    try {
      tree = ResultCodec.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("text that parsed as a result is not JSON: " + source, e);
    }
    Map<Key, String> gaps = new HashMap<>();
    if (!tree.path("provenance").isObject()) {
      throw missing(source, "provenance", tree.path("provenance"), "the run's provenance");
    }
    JsonNode datasets = tree.path("provenance").path("datasets");
    for (int i = 0; i < datasets.size(); i++) {
      name(source, "provenance.datasets[" + i + "].name", datasets.get(i).path("name"));
    }
    JsonNode tasks = tree.path("tasks");
    for (int i = 0; i < tasks.size(); i++) {
      JsonNode t = tasks.get(i);
      String at = "tasks[" + i + "]";
      String task = name(source, at + ".task", t.path("task"));
      String model = name(source, at + ".model", t.path("model"));
      name(source, at + ".dataset", t.path("dataset"));
      name(source, at + ".headline", t.path("headline"));
      JsonNode metrics = t.path("metrics");
      for (int j = 0; j < metrics.size(); j++) {
        JsonNode m = metrics.get(j);
        String metric = name(source, at + ".metrics[" + j + "].name", m.path("name"));
        gap(gaps, new Key(model, task, metric, "value"), m.path("value"));
        JsonNode interval = m.path("interval");
        if (interval.isObject()) {
          for (String bound : new String[] {"lower", "upper", "level"}) {
            gap(gaps, new Key(model, task, metric, "interval." + bound), interval.path(bound));
          }
        }
      }
    }
    return new GateInput(result, gaps);
  }

  /** The run's result. */
  public RunResult result() {
    return result;
  }

  /**
   * Whether the file gave no number for a metric's field: {@code "null"} when it is {@code null},
   * {@code "missing"} when the key is absent; empty when it holds a number (NaN included).
   *
   * @param field {@code value}, {@code interval.lower}, {@code interval.upper} or {@code
   *     interval.level}
   */
  Optional<String> gap(String model, String task, String metric, String field) {
    return Optional.ofNullable(gaps.get(new Key(model, task, metric, field)));
  }

  private static void gap(Map<Key, String> gaps, Key key, JsonNode node) {
    if (node.isMissingNode()) {
      gaps.put(key, "missing");
    } else if (node.isNull()) {
      gaps.put(key, "null");
    }
  }

  private static String name(String source, String place, JsonNode node) {
    if (!node.isTextual()) {
      throw missing(source, place, node, "a name");
    }
    return node.asText();
  }

  private static VlevalException missing(
      String source, String place, JsonNode node, String expected) {
    String found =
        node.isMissingNode() ? "is missing" : node.isNull() ? "is null" : "is " + node.toString();
    return new VlevalException(
        source
            + ": "
            + place
            + " "
            + found
            + "; expected "
            + expected
            + ", as in every results.json vleval writes, so the gates cannot read this file");
  }
}
