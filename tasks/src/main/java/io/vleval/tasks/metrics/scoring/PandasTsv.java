package io.vleval.tasks.metrics.scoring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a TSV file the way VLMEvalKit's {@code pd.read_csv(f, sep='\t')} does: a header row,
 * tab-separated fields, a field that starts with {@code "} is quoted (may hold tabs and newlines,
 * {@code ""} is a quote), and pandas' default missing-value strings ({@code ""}, {@code nan},
 * {@code NA}, {@code None}, {@code null}, ...) read as missing ({@code null}). Numeric type
 * inference of pandas is not reproduced: values stay strings.
 */
public final class PandasTsv {

  private static final Set<String> NA_VALUES =
      Set.of(
          "",
          "#N/A",
          "#N/A N/A",
          "#NA",
          "-1.#IND",
          "-1.#QNAN",
          "-NaN",
          "-nan",
          "1.#IND",
          "1.#QNAN",
          "<NA>",
          "N/A",
          "NA",
          "NULL",
          "NaN",
          "None",
          "n/a",
          "nan",
          "null");

  private PandasTsv() {}

  /**
   * A parsed row: column to value ({@code null} = missing), and its 1-based line number for
   * messages.
   */
  public record Row(int line, Map<String, String> values) {
    public String get(String column) {
      return values.get(column);
    }
  }

  public static List<Row> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ScoreInputException(
          file, "whole file", "not readable as UTF-8 text: " + JsonFiles.oneLine(e), e);
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    List<List<String>> records = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int line = 1;
    int recordLine = 1;
    int i = 0;
    boolean fieldStart = true;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (fieldStart && c == '"') {
        int startLine = line;
        i++;
        while (true) {
          if (i >= text.length()) {
            throw new ScoreInputException(file, "line " + startLine, "unterminated quoted field");
          }
          char q = text.charAt(i);
          if (q == '"') {
            if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
              field.append('"');
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (q == '\n') {
            line++;
          }
          field.append(q);
          i++;
        }
        fieldStart = false;
        continue;
      }
      if (c == '\t') {
        fields.add(field.toString());
        field.setLength(0);
        fieldStart = true;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        fields.add(field.toString());
        field.setLength(0);
        if (!(fields.size() == 1 && fields.get(0).isEmpty())) {
          records.add(fields);
          lines.add(recordLine);
        }
        fields = new ArrayList<>();
        fieldStart = true;
        line++;
        recordLine = line;
      } else {
        field.append(c);
        fieldStart = false;
      }
      i++;
    }
    if (field.length() > 0 || !fields.isEmpty()) {
      fields.add(field.toString());
      records.add(fields);
      lines.add(recordLine);
    }
    if (records.isEmpty()) {
      throw new ScoreInputException(file, "line 1", "empty file, expected a header row");
    }
    List<String> header = records.get(0);
    List<Row> rows = new ArrayList<>(records.size() - 1);
    for (int r = 1; r < records.size(); r++) {
      List<String> values = records.get(r);
      if (values.size() != header.size()) {
        throw new ScoreInputException(
            file,
            "line " + lines.get(r),
            values.size() + " fields but the header has " + header.size());
      }
      Map<String, String> map = new LinkedHashMap<>();
      for (int c = 0; c < header.size(); c++) {
        String v = values.get(c);
        map.put(header.get(c), NA_VALUES.contains(v) ? null : v);
      }
      rows.add(new Row(lines.get(r), map));
    }
    return rows;
  }

  /** The header columns of the rows (all rows share them). */
  public static boolean hasColumn(List<Row> rows, String column) {
    return !rows.isEmpty() && rows.get(0).values().containsKey(column);
  }
}
