package io.vleval.datasets.layout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.error.DatasetFormatException;
import io.vleval.datasets.failure.FailureText;
import io.vleval.datasets.failure.JsonKinds;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the fields of annotation entries in JSON and JSON-lines files, failing with one line that
 * names the file, the entry and what was expected.
 */
public final class JsonFields {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonFields() {}

  /** One non-blank line of a JSON-lines file, parsed, with its 1-based line number. */
  public record Line(int number, JsonNode value) {}

  /** The whole file as one JSON value. */
  public static JsonNode readFile(Path file) {
    requireFile(file);
    try {
      return MAPPER.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw FailureText.invalidJson(file, e);
    } catch (IOException e) {
      throw new DatasetFormatException(file.toString(), "", "cannot read: " + FailureText.of(e), e);
    }
  }

  /** Every non-blank line of a JSON-lines file, each a JSON object. */
  public static List<Line> readLines(Path file) {
    requireFile(file);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new DatasetFormatException(file.toString(), "", "not UTF-8 text", e);
    } catch (IOException e) {
      throw new DatasetFormatException(file.toString(), "", "cannot read: " + FailureText.of(e), e);
    }
    List<Line> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      JsonNode value;
      try {
        value = MAPPER.readTree(lines.get(i));
      } catch (JsonProcessingException e) {
        throw new DatasetFormatException(
            file.toString(),
            "line " + (i + 1),
            "not valid JSON: "
                + FailureText.plain(e.getOriginalMessage())
                + "; expected one JSON object a line",
            e);
      }
      if (!value.isObject()) {
        throw new DatasetFormatException(
            file.toString(),
            "line " + (i + 1),
            "expected a JSON object, found " + JsonKinds.of(value));
      }
      out.add(new Line(i + 1, value));
    }
    return out;
  }

  /** A string field; fails naming the file, place and key when it is missing or not a string. */
  public static String text(JsonNode entry, String key, Path file, String place) {
    JsonNode v = entry.get(key);
    if (v == null || !v.isTextual()) {
      throw new DatasetFormatException(
          file.toString(),
          place,
          (v == null ? "missing '" + key + "'" : "'" + key + "' is " + JsonKinds.of(v))
              + ", expected a string");
    }
    return v.asText();
  }

  /** An id field: an integer or a string. */
  public static String id(JsonNode entry, String key, Path file, String place) {
    JsonNode v = entry.get(key);
    String id = JsonKinds.id(v);
    if (id == null) {
      throw new DatasetFormatException(
          file.toString(),
          place,
          (v == null ? "missing '" + key + "'" : "'" + key + "' is " + JsonKinds.of(v))
              + ", expected an integer or a string");
    }
    return id;
  }

  private static void requireFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DatasetFormatException(file.toString(), "", "file not found");
    }
  }
}
