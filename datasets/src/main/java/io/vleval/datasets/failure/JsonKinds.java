package io.vleval.datasets.failure;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** How a JSON value is named in messages: "the integer 3", "a list", "the string 'x'"... */
public final class JsonKinds {
  private static final int MAX_SHOWN = 40;

  private JsonKinds() {}

  public static String of(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "nothing";
    }
    if (value.isNull()) {
      return "null";
    }
    if (value.isIntegralNumber()) {
      return "the integer " + value.asText();
    }
    if (value.isNumber()) {
      return "the number " + value.asText();
    }
    if (value.isBoolean()) {
      return "the boolean " + value.asText();
    }
    if (value.isTextual()) {
      String text = value.asText();
      return "the string '"
          + (text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "..." : text)
          + "'";
    }
    if (value.isArray()) {
      return value.isEmpty() ? "an empty list" : "a list";
    }
    if (value.isObject()) {
      return "an object";
    }
    return "a " + value.getNodeType().name().toLowerCase(Locale.ROOT) + " value";
  }

  /** An id: an integer or a string, as COCO and Karpathy files write them; else {@code null}. */
  public static String id(JsonNode value) {
    if (value != null && (value.isIntegralNumber() || value.isTextual())) {
      return value.asText();
    }
    return null;
  }
}
