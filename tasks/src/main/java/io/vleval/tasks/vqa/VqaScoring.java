package io.vleval.tasks.vqa;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.result.MetricValue;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.scoring.JsonFiles;
import io.vleval.tasks.metrics.scoring.ScoreInputException;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code vleval score vqav2|textvqa|vizwiz|gqa}: the VQA family's accuracy from the benchmark's own
 * annotation file and the predictions file its official scorer reads, with the scorers of {@link
 * VqaScorer} and {@link GqaMatch}.
 *
 * <ul>
 *   <li>VQAv2: results {@code [{"question_id": 1, "answer": "..."}]} (the VQA API's) against {@code
 *       v2_mscoco_<subtype>_annotations.json}; per answer type;
 *   <li>TextVQA: the same results format against {@code TextVQA_0.5.1_val.json};
 *   <li>VizWiz: {@code [{"image": "VizWiz_val_00000000.jpg", "answer": "..."}]} (its submission
 *       format) against {@code val.json}; per answer type, and unanswerability AP and F1 when every
 *       annotation has {@code answerable};
 *   <li>GQA: {@code [{"questionId": "...", "prediction": "..."}]} (what {@code eval.py} reads)
 *       against {@code <split>_questions.json}, over the questions with {@code isBalanced}; binary,
 *       open, per structural and semantic type.
 * </ul>
 *
 * As the reference scorers do, every annotated question needs a prediction; a prediction for a
 * question the annotations lack is refused. Both files are streamed.
 */
public final class VqaScoring {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private VqaScoring() {}

  /** One annotated question: its answers, groups and (VizWiz) answerable flag or null. */
  private record Truth(List<String> answers, List<String> groups, Boolean answerable) {
    Truth(List<String> answers, List<String> groups) {
      this(answers, groups, null);
    }
  }

  /** VQAv2 results against the VQA annotations. */
  public static ScoreTable vqav2(
      Path results, Path annotations, VqaScorer scorer, ScoreOptions options) {
    Map<String, Truth> truth = new LinkedHashMap<>();
    list(
        annotations,
        "annotations",
        "an object with a list 'annotations' (VQA annotation format)",
        (place, a) -> {
          String qid = id(annotations, place, a, "question_id");
          List<String> answers = new ArrayList<>();
          JsonNode list = a.get("answers");
          if (list == null || !list.isArray() || list.isEmpty()) {
            throw new ScoreInputException(
                annotations, place + ".answers", "expected a list of answer objects");
          }
          for (int j = 0; j < list.size(); j++) {
            answers.add(text(annotations, place + ".answers[" + j + "]", list.get(j), "answer"));
          }
          String type = a.path("answer_type").asText("");
          truth.put(qid, new Truth(answers, type.isEmpty() ? List.of() : List.of(type)));
        });
    return score("vqav2", results, "question_id", "answer", truth, annotations, scorer, options);
  }

  /** TextVQA results against {@code TextVQA_0.5.1_<split>.json}. */
  public static ScoreTable textvqa(
      Path results, Path annotations, VqaScorer scorer, ScoreOptions options) {
    Map<String, Truth> truth = new LinkedHashMap<>();
    list(
        annotations,
        "data",
        "an object with a list 'data' (TextVQA format)",
        (place, q) -> {
          String qid = id(annotations, place, q, "question_id");
          JsonNode list = q.get("answers");
          if (list == null || !list.isArray() || list.isEmpty()) {
            throw new ScoreInputException(
                annotations,
                place + ".answers",
                "expected a list of answer strings (a split with answers)");
          }
          List<String> answers = new ArrayList<>();
          for (int j = 0; j < list.size(); j++) {
            if (!list.get(j).isTextual()) {
              throw new ScoreInputException(
                  annotations, place + ".answers[" + j + "]", "expected an answer string");
            }
            answers.add(list.get(j).asText());
          }
          truth.put(qid, new Truth(answers, List.of()));
        });
    return score("textvqa", results, "question_id", "answer", truth, annotations, scorer, options);
  }

  /** VizWiz results against {@code <split>.json}. */
  public static ScoreTable vizwiz(
      Path results, Path annotations, VqaScorer scorer, ScoreOptions options) {
    Map<String, Truth> truth = new LinkedHashMap<>();
    list(
        annotations,
        null,
        "a list of question objects (VizWiz format)",
        (place, q) -> {
          String image = text(annotations, place, q, "image");
          JsonNode list = q.get("answers");
          if (list == null || !list.isArray() || list.isEmpty()) {
            throw new ScoreInputException(
                annotations,
                place + ".answers",
                "expected a list of answer objects (a split with answers)");
          }
          List<String> answers = new ArrayList<>();
          for (int j = 0; j < list.size(); j++) {
            answers.add(text(annotations, place + ".answers[" + j + "]", list.get(j), "answer"));
          }
          String type = q.path("answer_type").asText("");
          JsonNode answerable = q.get("answerable");
          truth.put(
              image,
              new Truth(
                  answers,
                  type.isEmpty() ? List.of() : List.of(type),
                  answerable == null || !answerable.isNumber() ? null : answerable.asInt() != 0));
        });
    ScoreTable table =
        score("vizwiz", results, "image", "answer", truth, annotations, scorer, options);
    if (truth.isEmpty() || truth.values().stream().anyMatch(t -> t.answerable() == null)) {
      return table;
    }
    // VizWiz's unanswerability, from the answers (see Unanswerability)
    Map<String, String> predicted = predictions(results, "image", "answer");
    boolean[] unanswerable = new boolean[truth.size()];
    boolean[] said = new boolean[truth.size()];
    int i = 0;
    for (Map.Entry<String, Truth> e : truth.entrySet()) {
      unanswerable[i] = !e.getValue().answerable();
      said[i++] = Unanswerability.predictsUnanswerable(predicted.get(e.getKey()));
    }
    List<MetricValue> metrics = new ArrayList<>(table.metrics());
    metrics.addAll(Unanswerability.metrics(unanswerable, said, options.bootstrap()));
    return new ScoreTable(table.family(), table.unit(), table.units(), metrics);
  }

  /** GQA predictions against {@code <split>_questions.json}. */
  public static ScoreTable gqa(
      Path predictions, Path questions, GqaMatch match, ScoreOptions options) {
    Map<String, Truth> truth = new LinkedHashMap<>();
    object(
        questions,
        "an object from question id to question (GQA questions format)",
        (qid, q) -> {
          String place = "'" + qid + "'";
          if (!q.isObject()) {
            throw new ScoreInputException(questions, place, "expected a question object");
          }
          if (!q.path("isBalanced").asBoolean(false)) {
            return;
          }
          String answer = text(questions, place, q, "answer");
          JsonNode types = q.path("types");
          truth.put(
              qid,
              new Truth(
                  List.of(answer),
                  GqaMatch.groups(
                      types.path("structural").asText(""), types.path("semantic").asText(""))));
        });
    Map<String, String> predicted = predictions(predictions, "questionId", "prediction");
    List<VqaAccuracy.Scored> scored = new ArrayList<>();
    checkCoverage(predictions, questions, truth.keySet(), predicted);
    for (Map.Entry<String, Truth> e : truth.entrySet()) {
      scored.add(
          new VqaAccuracy.Scored(
              match.score(predicted.get(e.getKey()), e.getValue().answers().get(0)),
              e.getValue().groups()));
    }
    return VqaAccuracy.table("gqa", "accuracy", scored, options);
  }

  private static ScoreTable score(
      String family,
      Path results,
      String idKey,
      String answerKey,
      Map<String, Truth> truth,
      Path annotations,
      VqaScorer scorer,
      ScoreOptions options) {
    Map<String, String> predicted = predictions(results, idKey, answerKey);
    checkCoverage(results, annotations, truth.keySet(), predicted);
    List<VqaAccuracy.Scored> scored = new ArrayList<>();
    for (Map.Entry<String, Truth> e : truth.entrySet()) {
      scored.add(
          new VqaAccuracy.Scored(
              scorer.score(predicted.get(e.getKey()), e.getValue().answers()),
              e.getValue().groups()));
    }
    return VqaAccuracy.table(family, "accuracy", scored, options);
  }

  private static void checkCoverage(
      Path predictionsFile,
      Path annotationsFile,
      Set<String> annotated,
      Map<String, String> predicted) {
    for (String id : predicted.keySet()) {
      if (!annotated.contains(id)) {
        throw new ScoreInputException(
            predictionsFile,
            "id " + id,
            "not a question of " + annotationsFile + " (predictions must answer its questions)");
      }
    }
    int missing = 0;
    String first = null;
    for (String id : annotated) {
      if (!predicted.containsKey(id)) {
        missing++;
        first = first == null ? id : first;
      }
    }
    if (missing > 0) {
      throw new ScoreInputException(
          predictionsFile,
          "whole file",
          missing
              + " question"
              + (missing == 1 ? "" : "s")
              + " of "
              + annotationsFile
              + " have no prediction (the first: "
              + first
              + "); the reference scorer needs one for every question");
    }
  }

  /** {@code id -> answer} from a list of objects; a repeated id is refused. */
  private static Map<String, String> predictions(Path file, String idKey, String answerKey) {
    Map<String, String> out = new HashMap<>();
    Map<String, String> firstPlace = new HashMap<>();
    list(
        file,
        null,
        "a list of {\"" + idKey + "\": ..., \"" + answerKey + "\": \"...\"} objects",
        (place, p) -> {
          String id = id(file, place, p, idKey);
          String answer = text(file, place, p, answerKey);
          String before = firstPlace.putIfAbsent(id, place);
          if (before != null) {
            throw new ScoreInputException(
                file,
                place,
                "'" + idKey + "' " + id + " is predicted again (first at " + before + ")");
          }
          out.put(id, answer);
        });
    return out;
  }

  /** An integer or string id under {@code key}, as text. */
  private static String id(Path file, String place, JsonNode node, String key) {
    JsonNode v = node.isObject() ? node.get(key) : null;
    if (v == null || !(v.isIntegralNumber() || v.isTextual())) {
      throw new ScoreInputException(
          file,
          place,
          node.isObject()
              ? "expected '" + key + "' as an integer or a string, found " + kind(v)
              : "expected an object, found " + kind(node));
    }
    return v.asText();
  }

  private static String text(Path file, String place, JsonNode node, String key) {
    JsonNode v = node.isObject() ? node.get(key) : null;
    if (v == null || !v.isTextual()) {
      throw new ScoreInputException(
          file,
          place,
          node.isObject()
              ? "expected '" + key + "' as a string, found " + kind(v)
              : "expected an object, found " + kind(node));
    }
    return v.asText();
  }

  private static String kind(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    if (v.isNull()) {
      return "null";
    }
    if (v.isNumber()) {
      return "the number " + v.asText();
    }
    if (v.isTextual()) {
      return "a string";
    }
    if (v.isBoolean()) {
      return "a boolean";
    }
    return v.isArray() ? "a list" : "an object";
  }

  @FunctionalInterface
  private interface Visitor {
    void visit(String place, JsonNode value);
  }

  /** The elements of the list under top-level {@code field} (the top-level list when null). */
  private static void list(Path file, String field, String expected, Visitor visitor) {
    try (JsonParser p = MAPPER.getFactory().createParser(file.toFile())) {
      JsonToken first = p.nextToken();
      if (field == null) {
        if (first != JsonToken.START_ARRAY) {
          throw new ScoreInputException(file, "whole file", "expected " + expected);
        }
        elements(p, "", visitor);
        return;
      }
      if (first != JsonToken.START_OBJECT) {
        throw new ScoreInputException(file, "whole file", "expected " + expected);
      }
      boolean found = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals(field) && value == JsonToken.START_ARRAY) {
          found = true;
          elements(p, field, visitor);
        } else {
          p.skipChildren();
        }
      }
      if (!found) {
        throw new ScoreInputException(file, "whole file", "expected " + expected);
      }
    } catch (IOException e) {
      throw new ScoreInputException(
          file, "whole file", "not readable as JSON: " + JsonFiles.oneLine(e), e);
    }
  }

  private static void elements(JsonParser p, String field, Visitor visitor) throws IOException {
    int i = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      visitor.visit(field + "[" + i++ + "]", MAPPER.readTree(p));
    }
  }

  /** The values of a top-level object with their keys. */
  private static void object(Path file, String expected, Visitor visitor) {
    try (JsonParser p = MAPPER.getFactory().createParser(file.toFile())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ScoreInputException(file, "whole file", "expected " + expected);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        visitor.visit(name, MAPPER.readTree(p));
      }
    } catch (IOException e) {
      throw new ScoreInputException(
          file, "whole file", "not readable as JSON: " + JsonFiles.oneLine(e), e);
    }
  }
}
