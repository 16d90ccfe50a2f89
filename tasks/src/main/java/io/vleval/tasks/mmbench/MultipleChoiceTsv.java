package io.vleval.tasks.mmbench;

import io.vleval.tasks.metrics.scoring.PandasTsv;
import io.vleval.tasks.metrics.scoring.ScoreInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads MMBench TSVs as VLMEvalKit loads them: the dataset TSV gives the answer key, the
 * predictions TSV gives rows whose empty or NA-like prediction becomes the string {@code "nan"}
 * (pandas NaN through {@code str()}).
 */
public final class MultipleChoiceTsv {

  private static final List<String> LETTERS = List.of("A", "B", "C", "D", "E", "F", "G", "H", "I");

  private MultipleChoiceTsv() {}

  /** Row index to answer letter from the dataset TSV (columns {@code index}, {@code answer}). */
  public static Map<Long, String> answers(Path dataset) {
    List<PandasTsv.Row> meta = PandasTsv.read(dataset);
    requireColumns(meta, dataset, "index", "answer");
    Map<Long, String> answers = new HashMap<>();
    for (PandasTsv.Row row : meta) {
      long index = index(row, dataset);
      if (answers.put(index, required(row, "answer", dataset)) != null) {
        throw new ScoreInputException(dataset, "line " + row.line(), "duplicate index " + index);
      }
    }
    return answers;
  }

  /**
   * Prediction rows in file order (columns {@code index}, {@code prediction}, options, optional
   * categories).
   */
  public static List<McqItem> predictions(Path predictions) {
    List<PandasTsv.Row> rows = PandasTsv.read(predictions);
    requireColumns(rows, predictions, "index", "prediction");
    boolean hasSplit = PandasTsv.hasColumn(rows, "split");
    boolean hasCategory = PandasTsv.hasColumn(rows, "category");
    boolean hasL2 = PandasTsv.hasColumn(rows, "l2-category");
    List<McqItem> items = new ArrayList<>(rows.size());
    Set<Long> seen = new HashSet<>();
    for (PandasTsv.Row row : rows) {
      long index = index(row, predictions);
      if (!seen.add(index)) {
        throw new ScoreInputException(
            predictions, "line " + row.line(), "duplicate index " + index);
      }
      Map<String, String> choices = new LinkedHashMap<>();
      for (String letter : LETTERS) {
        String text = row.get(letter);
        if (text != null) {
          choices.put(letter, text);
        }
      }
      String prediction = row.get("prediction");
      items.add(
          new McqItem(
              index,
              choices,
              prediction == null ? "nan" : prediction,
              hasCategory ? String.valueOf(row.get("category")) : null,
              hasL2 ? String.valueOf(row.get("l2-category")) : null,
              hasSplit ? String.valueOf(row.get("split")) : "none"));
    }
    return items;
  }

  private static void requireColumns(List<PandasTsv.Row> rows, Path file, String... columns) {
    if (rows.isEmpty()) {
      throw new ScoreInputException(file, "line 2", "no data rows after the header");
    }
    for (String column : columns) {
      if (!PandasTsv.hasColumn(rows, column)) {
        throw new ScoreInputException(file, "header", "missing column \"" + column + "\"");
      }
    }
  }

  private static long index(PandasTsv.Row row, Path file) {
    String v = required(row, "index", file);
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new ScoreInputException(
          file,
          "line " + row.line() + " column \"index\"",
          "expected an integer, found \"" + v + "\"",
          e);
    }
  }

  private static String required(PandasTsv.Row row, String column, Path file) {
    String v = row.get(column);
    if (v == null) {
      throw new ScoreInputException(
          file, "line " + row.line() + " column \"" + column + "\"", "missing value");
    }
    return v;
  }
}
