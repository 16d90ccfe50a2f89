package io.vleval.tasks.metrics.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.mme.MmeAnswers;
import io.vleval.tasks.mme.MmeScores;
import io.vleval.tasks.mmvet.MmvetScores;
import io.vleval.tasks.pope.PopeAnswers;
import io.vleval.tasks.pope.PopeScores;
import io.vleval.tasks.scienceqa.ScienceQaAnswers;
import io.vleval.tasks.scienceqa.ScienceQaScores;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code vleval score pope|mme|scienceqa|mmvet}: the benchmarks' own annotation files and the
 * prediction files their official scorers read, scored with the code a run uses.
 */
public final class ClosedScoring {
  private ClosedScoring() {}

  private static final ObjectMapper MAPPER = new ObjectMapper();

  // ---- POPE ----

  /**
   * POPE: {@code answers} is a JSON-lines file of {@code {"question_id", "answer"}} (POPE's own
   * answer file; {@code "text"} as LLaVA and InternVL write it is read too); {@code labels} is one
   * {@code coco_pope_<split>.json}, or a folder of them, in which case each answer also names its
   * split in {@code "category"} (as LLaVA's question file does). Answers are paired with labels by
   * question id, every label needs an answer.
   */
  public static ScoreTable pope(Path answers, Path labels, ScoreOptions options) {
    Map<String, Map<String, String>> labelsBySplit = new LinkedHashMap<>();
    boolean folder = Files.isDirectory(labels);
    List<Path> files = folder ? list(labels, "coco_pope_", ".json") : List.of(labels);
    if (files.isEmpty()) {
      throw new ScoreInputException(
          labels, "folder", "no coco_pope_<split>.json files; expected POPE's annotation folder");
    }
    for (Path f : files) {
      String name = f.getFileName().toString();
      String split =
          name.startsWith("coco_pope_") && name.endsWith(".json")
              ? name.substring(10, name.length() - 5)
              : name;
      Map<String, String> bySplit = new LinkedHashMap<>();
      for (Line l : lines(f)) {
        String qid = id(l, "question_id", f);
        String label = text(l, "label", f);
        if (!label.equals("yes") && !label.equals("no")) {
          throw new ScoreInputException(
              f, l.place(), "label '" + label + "', expected 'yes' or 'no'");
        }
        if (bySplit.put(qid, label) != null) {
          throw new ScoreInputException(f, l.place(), "question_id " + qid + " repeats");
        }
      }
      labelsBySplit.put(split, bySplit);
    }
    Map<String, Map<String, String>> answered = new HashMap<>();
    for (Line l : lines(answers)) {
      String qid = id(l, "question_id", answers);
      String reply =
          l.value().has("answer") ? text(l, "answer", answers) : text(l, "text", answers);
      String split;
      if (folder) {
        split = text(l, "category", answers);
        if (!labelsBySplit.containsKey(split)) {
          throw new ScoreInputException(
              answers,
              l.place(),
              "category '" + split + "' has no coco_pope_" + split + ".json in " + labels);
        }
      } else {
        split = labelsBySplit.keySet().iterator().next();
      }
      if (!labelsBySplit.get(split).containsKey(qid)) {
        throw new ScoreInputException(
            answers, l.place(), "question_id " + qid + " is not in the " + split + " labels");
      }
      if (answered.computeIfAbsent(split, s -> new HashMap<>()).put(qid, reply) != null) {
        throw new ScoreInputException(
            answers, l.place(), "question_id " + qid + " of " + split + " is answered twice");
      }
    }
    List<PopeScores.Item> items = new ArrayList<>();
    labelsBySplit.forEach(
        (split, byId) ->
            byId.forEach(
                (qid, label) -> {
                  String reply = answered.getOrDefault(split, Map.of()).get(qid);
                  if (reply == null) {
                    throw new ScoreInputException(
                        answers,
                        "question_id " + qid + " (" + split + ")",
                        "no answer; every labelled question needs one");
                  }
                  items.add(
                      new PopeScores.Item(
                          split, PopeAnswers.labelIsYes(label), PopeAnswers.saysYes(reply)));
                }));
    return PopeScores.score(items, options.bootstrap());
  }

  // ---- MME ----

  /**
   * MME: a folder of {@code <subtask>.txt} result files as {@code calculation.py} reads them, each
   * line {@code image<TAB>question<TAB>answer<TAB>reply}. Every {@code .txt} file is a subtask.
   */
  public static ScoreTable mme(Path resultsDir, ScoreOptions options) {
    List<Path> files = list(resultsDir, "", ".txt");
    if (files.isEmpty()) {
      throw new ScoreInputException(
          resultsDir, "folder", "no <subtask>.txt result files (MME's Your_Results layout)");
    }
    List<MmeScores.Item> items = new ArrayList<>();
    for (Path f : files) {
      String name = f.getFileName().toString();
      String subtask = name.substring(0, name.length() - 4);
      List<String> lines = readLines(f);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.isEmpty()) {
          continue;
        }
        String[] fields = line.split("\t", -1);
        if (fields.length != 4) {
          throw new ScoreInputException(
              f,
              "line " + (i + 1),
              fields.length
                  + " tab-separated fields, expected 4 (image, question, answer, reply; a reply"
                  + " holds no tab or line break)");
        }
        MmeAnswers.Reading answer = MmeAnswers.label(fields[2]);
        if (answer == null) {
          throw new ScoreInputException(
              f, "line " + (i + 1), "answer '" + fields[2] + "', expected Yes or No");
        }
        items.add(new MmeScores.Item(subtask, fields[0], answer, MmeAnswers.parse(fields[3])));
      }
    }
    return MmeScores.score(items, options.bootstrap());
  }

  // ---- ScienceQA ----

  /**
   * ScienceQA: LLaVA's answers JSON-lines file ({@code {"question_id", "text"}}) and ScienceQA's
   * base folder ({@code problems.json}, {@code pid_splits.json}); every problem of {@code split} is
   * scored, an unanswered one as wrong (LLaVA's {@code FAILED}).
   *
   * @param scorer {@code llava} (LLaVA's {@code eval_science_qa.py}) or {@code internvl}
   *     (InternVL's {@code post_process})
   */
  public static ScoreTable scienceQa(
      Path answers, Path baseDir, String split, String scorer, ScoreOptions options) {
    Path problemsFile = baseDir.resolve("problems.json");
    Path splitsFile = baseDir.resolve("pid_splits.json");
    JsonNode splits = JsonFiles.tree(splitsFile);
    JsonNode pids = splits.get(split);
    if (pids == null || !pids.isArray()) {
      throw new ScoreInputException(
          splitsFile, "key '" + split + "'", "no such split (a list of pids) in the file");
    }
    JsonNode problems = JsonFiles.tree(problemsFile);
    Map<String, String> replies = new HashMap<>();
    for (Line l : lines(answers)) {
      String qid = id(l, "question_id", answers);
      replies.put(qid, text(l, "text", answers));
    }
    List<ScienceQaScores.Item> items = new ArrayList<>();
    for (int i = 0; i < pids.size(); i++) {
      String pid = pids.get(i).asText();
      JsonNode p = problems.get(pid);
      if (p == null || !p.has("choices") || !p.get("choices").isArray() || !p.has("answer")) {
        throw new ScoreInputException(
            problemsFile, "key '" + pid + "'", "missing, or without 'choices' and 'answer'");
      }
      List<String> options2 = new ArrayList<>();
      p.get("choices").forEach(c -> options2.add(c.asText()));
      int answer = p.get("answer").asInt();
      String reply = replies.get(pid);
      boolean correct;
      if (scorer.equals("llava")) {
        String letter = reply == null ? "FAILED" : ScienceQaAnswers.llava(reply);
        correct = ScienceQaAnswers.llavaCorrect(letter, options2.size(), answer);
      } else {
        String letter = ScienceQaAnswers.internVl(reply == null ? "" : reply, options2);
        correct = letter.equals(ScienceQaAnswers.letter(answer));
      }
      JsonNode hint = p.get("hint");
      JsonNode image = p.get("image");
      items.add(
          new ScienceQaScores.Item(
              correct,
              p.path("subject").asText(""),
              hint != null && !hint.isNull() && !hint.asText().isEmpty(),
              image != null && !image.isNull() && !image.asText().isEmpty(),
              p.path("grade").asText("")));
    }
    return ScienceQaScores.score(items, options.bootstrap());
  }

  // ---- MM-Vet ----

  /**
   * MM-Vet from the grades: {@code grades} is {@code mm-vet_evaluator.py}'s grade file ({@code {id:
   * {"model": [...], "content": [...], "score": [...]}}}, one score per run; a sample's grade is
   * the mean of its runs, as the evaluator averages the runs' totals) and {@code mmvet} is {@code
   * mm-vet.json} for the capabilities. Every sample of {@code mm-vet.json} needs a grade.
   */
  public static ScoreTable mmvet(Path grades, Path mmvet, ScoreOptions options) {
    JsonNode g = JsonFiles.tree(grades);
    JsonNode data = JsonFiles.tree(mmvet);
    if (!data.isObject()) {
      throw new ScoreInputException(mmvet, "whole file", "expected an object from id to sample");
    }
    List<MmvetScores.Item> items = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String id = e.getKey();
      JsonNode caps = e.getValue().get("capability");
      if (caps == null || !caps.isArray()) {
        throw new ScoreInputException(mmvet, "key '" + id + "'", "no 'capability' list");
      }
      JsonNode scores = g.path(id).path("score");
      if (!scores.isArray() || scores.isEmpty()) {
        throw new ScoreInputException(
            grades, "key '" + id + "'", "no grade (expected {\"score\": [numbers]})");
      }
      double sum = 0;
      for (int i = 0; i < scores.size(); i++) {
        if (!scores.get(i).isNumber()) {
          throw new ScoreInputException(
              grades, "key '" + id + "'.score[" + i + "]", "expected a number in [0, 1]");
        }
        sum += scores.get(i).asDouble();
      }
      List<String> capabilities = new ArrayList<>();
      caps.forEach(c -> capabilities.add(c.asText()));
      items.add(new MmvetScores.Item(capabilities, sum / scores.size()));
    }
    return MmvetScores.score(items, options.bootstrap());
  }

  // ---- shared ----

  private record Line(int number, JsonNode value) {
    String place() {
      return "line " + number;
    }
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .map(l -> l.endsWith("\r") ? l.substring(0, l.length() - 1) : l)
          .toList();
    } catch (CharacterCodingException e) {
      throw new ScoreInputException(file, "whole file", "not UTF-8 text", e);
    } catch (IOException e) {
      throw new ScoreInputException(file, "whole file", "cannot read: " + JsonFiles.oneLine(e), e);
    }
  }

  private static List<Line> lines(Path file) {
    List<Line> out = new ArrayList<>();
    List<String> raw = readLines(file);
    for (int i = 0; i < raw.size(); i++) {
      if (raw.get(i).isBlank()) {
        continue;
      }
      JsonNode v;
      try {
        v = MAPPER.readTree(raw.get(i));
      } catch (IOException e) {
        throw new ScoreInputException(
            file, "line " + (i + 1), "not a JSON object: " + JsonFiles.oneLine(e), e);
      }
      if (!v.isObject()) {
        throw new ScoreInputException(file, "line " + (i + 1), "expected a JSON object");
      }
      out.add(new Line(i + 1, v));
    }
    return out;
  }

  private static String id(Line l, String key, Path file) {
    JsonNode v = l.value().get(key);
    if (v == null || !(v.isIntegralNumber() || v.isTextual())) {
      throw new ScoreInputException(
          file, l.place(), "missing '" + key + "' (an integer or a string)");
    }
    return v.asText();
  }

  private static String text(Line l, String key, Path file) {
    JsonNode v = l.value().get(key);
    if (v == null || !v.isTextual()) {
      throw new ScoreInputException(file, l.place(), "missing '" + key + "' (a string)");
    }
    return v.asText();
  }

  private static List<Path> list(Path folder, String prefix, String suffix) {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(
              p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && n.endsWith(suffix) && Files.isRegularFile(p);
              })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new ScoreInputException(folder, "folder", "cannot list: " + JsonFiles.oneLine(e), e);
    }
  }
}
