package io.vleval.core.yaml;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A YAML value that remembers where it was written, so every message can point at it. */
public sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Mapping, YamlNode.Sequence {

  Mark mark();

  /** A short name of the node's shape for messages ("a mapping", "a number"...). */
  String describe();

  /** Position in the source: 1-based line and column. */
  record Mark(String file, int line, int column) {
    @Override
    public String toString() {
      return file + ":" + line + ":" + column;
    }
  }

  /** The YAML 1.1 core-schema type Jackson resolved for a plain scalar. */
  enum ScalarKind {
    STRING,
    INTEGER,
    FLOAT,
    BOOLEAN,
    NULL
  }

  record Scalar(String text, ScalarKind kind, Mark mark) implements YamlNode {
    @Override
    public String describe() {
      return switch (kind) {
        case STRING -> "the text \"" + abbreviate(text) + "\"";
        case INTEGER -> "the integer " + text;
        case FLOAT -> "the number " + text;
        case BOOLEAN -> "the boolean " + text;
        case NULL -> "an empty value";
      };
    }

    private static String abbreviate(String s) {
      return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
  }

  /** A mapping; keys keep their order and their own marks. */
  record Mapping(LinkedHashMap<String, YamlNode> entries, Map<String, Mark> keyMarks, Mark mark)
      implements YamlNode {
    @Override
    public String describe() {
      return "a mapping";
    }

    public YamlNode get(String key) {
      return entries.get(key);
    }

    public Mark keyMark(String key) {
      return keyMarks.getOrDefault(key, mark);
    }
  }

  record Sequence(List<YamlNode> items, Mark mark) implements YamlNode {
    @Override
    public String describe() {
      return "a list";
    }
  }
}
