package io.vleval.datasets.vqa;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.error.DatasetFormatException;
import io.vleval.datasets.failure.FailureText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the entries of a large annotation JSON one at a time (the VQAv2 annotations are 300 MB as a
 * tree), each entry as a small tree: the elements of a top-level list, of a list under a top-level
 * key, or the values of a top-level object.
 */
public final class JsonElements {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonElements() {}

  /** Receives one entry. */
  @FunctionalInterface
  public interface Visitor {
    /**
     * @param key the element's index in its list, or its key in the object
     * @param value the entry
     */
    void visit(String key, JsonNode value);
  }

  /**
   * Visits the elements of the list under top-level {@code field}, or of the top-level list when
   * {@code field} is {@code null}; other top-level keys are skipped.
   *
   * @param expected how the message names the expected content, e.g. {@code "an object with a list
   *     'annotations' (VQA annotation format)"}
   */
  public static void list(Path file, String field, String expected, Visitor visitor) {
    try (JsonParser p = MAPPER.getFactory().createParser(file.toFile())) {
      JsonToken first = p.nextToken();
      if (field == null) {
        if (first != JsonToken.START_ARRAY) {
          throw wrongTop(file, expected, first);
        }
        elements(p, visitor);
        return;
      }
      if (first != JsonToken.START_OBJECT) {
        throw wrongTop(file, expected, first);
      }
      boolean found = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals(field)) {
          if (value != JsonToken.START_ARRAY) {
            throw new DatasetFormatException(
                file.toString(),
                field,
                "expected " + expected + ", found '" + field + "' as " + kind(value));
          }
          found = true;
          elements(p, visitor);
        } else {
          p.skipChildren();
        }
      }
      if (!found) {
        throw new DatasetFormatException(
            file.toString(), "", "expected " + expected + ", found no key '" + field + "'");
      }
    } catch (JsonProcessingException e) {
      throw FailureText.invalidJson(file, e);
    } catch (IOException e) {
      throw new DatasetFormatException(file.toString(), "", "cannot read: " + FailureText.of(e), e);
    }
  }

  /** Visits the values of a top-level object, with their keys. */
  public static void object(Path file, String expected, Visitor visitor) {
    try (JsonParser p = MAPPER.getFactory().createParser(file.toFile())) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw wrongTop(file, expected, first);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        visitor.visit(name, MAPPER.readTree(p));
      }
    } catch (JsonProcessingException e) {
      throw FailureText.invalidJson(file, e);
    } catch (IOException e) {
      throw new DatasetFormatException(file.toString(), "", "cannot read: " + FailureText.of(e), e);
    }
  }

  /** The top-level value without its lists (e.g. VQAv2's {@code data_subtype}). */
  public static JsonNode topLevelScalars(Path file) {
    try (JsonParser p = MAPPER.getFactory().createParser(file.toFile())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return MAPPER.createObjectNode();
      }
      var out = MAPPER.createObjectNode();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (value == JsonToken.START_ARRAY || value == JsonToken.START_OBJECT) {
          p.skipChildren();
        } else {
          out.set(name, MAPPER.readTree(p));
        }
      }
      return out;
    } catch (JsonProcessingException e) {
      throw FailureText.invalidJson(file, e);
    } catch (IOException e) {
      throw new DatasetFormatException(file.toString(), "", "cannot read: " + FailureText.of(e), e);
    }
  }

  private static void elements(JsonParser p, Visitor visitor) throws IOException {
    int i = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      visitor.visit(String.valueOf(i++), MAPPER.readTree(p));
    }
  }

  private static DatasetFormatException wrongTop(Path file, String expected, JsonToken found) {
    return new DatasetFormatException(
        file.toString(), "", "expected " + expected + ", found " + kind(found));
  }

  private static String kind(JsonToken t) {
    if (t == null) {
      return "an empty file";
    }
    return switch (t) {
      case START_ARRAY -> "a list";
      case START_OBJECT -> "an object";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> "unexpected content";
    };
  }

  /** The strings of a list of strings, or {@code null} when it is not one. */
  public static List<String> strings(JsonNode list) {
    if (list == null || !list.isArray()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : list) {
      if (!n.isTextual()) {
        return null;
      }
      out.add(n.asText());
    }
    return out;
  }
}
