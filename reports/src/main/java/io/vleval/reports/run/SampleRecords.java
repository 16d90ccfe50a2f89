package io.vleval.reports.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.api.error.VlevalException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Reads per-sample records ({@code samples/<model>/<task>.jsonl}) generically, so that any task's
 * records show in reports without code for that task. The first field present of each list is used;
 * task authors who name their record components this way get predictions, references and the worst
 * samples shown:
 *
 * <ul>
 *   <li>id: {@code sampleId} (what {@code SampleRecord} writes), {@code sample_id}, {@code id}
 *   <li>prediction: {@code prediction}, {@code predicted}, {@code pred}, {@code output}, {@code
 *       caption}
 *   <li>reference: {@code references} (a list), {@code reference}, {@code label}, {@code target},
 *       {@code ground_truth}
 *   <li>correctness: {@code correct}, {@code exact}, {@code hit} (booleans)
 *   <li>score: {@code score} (a number, higher is better)
 * </ul>
 *
 * Every other field is shown as compact JSON. The worst samples are the incorrect ones first, then
 * those of lowest score, ties in file order; records with neither field are shown in file order.
 * Files are streamed: only the worst {@code n} records are kept in memory.
 */
public final class SampleRecords {

  public static final List<String> ID = List.of("sampleId", "sample_id", "id");
  public static final List<String> PREDICTION =
      List.of("prediction", "predicted", "pred", "output", "caption");
  public static final List<String> REFERENCE =
      List.of("references", "reference", "label", "target", "ground_truth");
  public static final List<String> CORRECT = List.of("correct", "exact", "hit");
  public static final List<String> SCORE = List.of("score");

  private static final int MAX_TEXT = 400;
  private static final ObjectMapper JSON = new ObjectMapper();

  private SampleRecords() {}

  /**
   * What a file of per-sample records holds, with its worst records.
   *
   * @param total records read
   * @param incorrect records marked incorrect
   * @param ranked whether any record has a correctness or score field (otherwise {@code worst} is
   *     the first records)
   * @param unreadable lines that are not JSON objects (such as a last line cut short by a kill)
   */
  public record Summary(
      long total, long incorrect, boolean ranked, long unreadable, List<SampleView> worst) {}

  private static final Comparator<SampleView> WORST_FIRST =
      Comparator.comparingInt((SampleView s) -> s.correct() == null ? 1 : s.correct() ? 2 : 0)
          .thenComparingDouble(s -> s.score() == null ? Double.POSITIVE_INFINITY : s.score())
          .thenComparingLong(SampleView::line);

  public static Summary worst(Path jsonl, int n) {
    PriorityQueue<SampleView> kept = new PriorityQueue<>(WORST_FIRST.reversed());
    long total = 0;
    long incorrect = 0;
    long unreadable = 0;
    boolean ranked = false;
    try (BufferedReader in = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
      String line;
      long number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        SampleView view = view(line, number);
        if (view == null) {
          unreadable++;
          continue;
        }
        total++;
        ranked |= view.correct() != null || view.score() != null;
        if (Boolean.FALSE.equals(view.correct())) {
          incorrect++;
        }
        if (n > 0) {
          kept.add(view);
          if (kept.size() > n) {
            kept.poll();
          }
        }
      }
    } catch (IOException e) {
      throw new VlevalException(jsonl + ": cannot read per-sample records: " + e.getMessage(), e);
    }
    List<SampleView> worst = new ArrayList<>(kept);
    worst.sort(ranked ? WORST_FIRST : Comparator.comparingLong(SampleView::line));
    return new Summary(total, incorrect, ranked, unreadable, worst);
  }

  /** One record line as a view, or {@code null} when it is not a JSON object. */
  public static SampleView view(String line, long number) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return null;
    }
    if (!(node instanceof ObjectNode obj)) {
      return null;
    }
    ObjectNode rest = obj.deepCopy();
    String id = text(take(rest, ID));
    String prediction = text(take(rest, PREDICTION));
    String reference = text(take(rest, REFERENCE));
    JsonNode c = take(rest, CORRECT);
    JsonNode s = take(rest, SCORE);
    Boolean correct = c != null && c.isBoolean() ? c.booleanValue() : null;
    Double score = s != null && s.isNumber() ? s.doubleValue() : null;
    if (c != null && correct == null) {
      rest.set(CORRECT.get(0), c);
    }
    if (s != null && score == null) {
      rest.set(SCORE.get(0), s);
    }
    return new SampleView(
        number,
        id,
        prediction,
        reference,
        correct,
        score,
        rest.isEmpty() ? null : clip(rest.toString()));
  }

  /** Removes and returns the first field of {@code names} present in {@code obj}. */
  private static JsonNode take(ObjectNode obj, List<String> names) {
    for (String name : names) {
      if (obj.has(name)) {
        return obj.remove(name);
      }
    }
    return null;
  }

  private static String text(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isValueNode()) {
      return clip(node.asText());
    }
    if (node.isArray()) {
      List<String> parts = new ArrayList<>();
      boolean scalars = true;
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        JsonNode e = it.next();
        scalars &= e.isValueNode();
        parts.add(e.asText());
      }
      if (scalars) {
        return clip(String.join(" | ", parts));
      }
    }
    return clip(node.toString());
  }

  private static String clip(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "\u2026";
  }

  /** The per-sample field names read, for documentation and messages. */
  public static Map<String, List<String>> fieldNames() {
    return Map.of(
        "id",
        ID,
        "prediction",
        PREDICTION,
        "reference",
        REFERENCE,
        "correct",
        CORRECT,
        "score",
        SCORE);
  }
}
