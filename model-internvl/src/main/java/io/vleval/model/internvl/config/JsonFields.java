package io.vleval.model.internvl.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Typed reads of optional config.json fields that record, rather than throw, a wrong type, so that
 * every problem of a file is reported at once.
 */
public final class JsonFields {

  /**
   * Parses a config.json, refusing an unreadable file with one line naming it.
   *
   * @param file the file
   * @return its root node
   * @throws ModelConfigException when the file cannot be read or parsed
   */
  public static JsonNode read(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new ModelConfigException(
          file.toString(),
          List.of("cannot read: " + e.getMessage().lines().findFirst().orElse("")));
    }
  }

  private final JsonNode node;
  private final List<String> problems;

  /**
   * Reads fields of one JSON object.
   *
   * @param node the object
   * @param problems where problems are appended
   */
  public JsonFields(JsonNode node, List<String> problems) {
    this.node = node;
    this.problems = problems;
  }

  /**
   * Returns whether the field is present and not null.
   *
   * @param field the name
   * @return true if present
   */
  public boolean has(String field) {
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  /**
   * Reads an integer field.
   *
   * @param field the name
   * @param fallback the value when absent or null
   * @return the value
   */
  public int integer(String field, int fallback) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      problems.add("field '" + field + "' = " + v + "; expected an integer");
      return fallback;
    }
    return v.intValue();
  }

  /**
   * Reads a number field.
   *
   * @param field the name
   * @param fallback the value when absent or null
   * @return the value
   */
  public double number(String field, double fallback) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isNumber()) {
      problems.add("field '" + field + "' = " + v + "; expected a number");
      return fallback;
    }
    return v.doubleValue();
  }

  /**
   * Reads a boolean field.
   *
   * @param field the name
   * @param fallback the value when absent or null
   * @return the value
   */
  public boolean bool(String field, boolean fallback) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      problems.add("field '" + field + "' = " + v + "; expected true or false");
      return fallback;
    }
    return v.booleanValue();
  }

  /**
   * Reads a string field.
   *
   * @param field the name
   * @param fallback the value when absent or null
   * @return the value
   */
  public String text(String field, String fallback) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isTextual()) {
      problems.add("field '" + field + "' = " + v + "; expected a string");
      return fallback;
    }
    return v.textValue();
  }
}
