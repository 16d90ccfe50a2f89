package io.vleval.core.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.vleval.api.error.ConfigException;
import io.vleval.api.error.ConfigProblem;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads YAML into a {@link YamlNode} tree with positions, safely: it never instantiates classes
 * from tags (Jackson's streaming parser only reports events, and any non-standard tag is refused),
 * expands aliases itself under a node budget, and rejects duplicate keys.
 */
public final class YamlReader {

  private static final String STANDARD_TAG_PREFIX = "tag:yaml.org,2002:";
  // Jackson strips leading '!' from tags; these are the YAML core-schema tags, the only ones
  // allowed.
  private static final Set<String> PLAIN_TAGS =
      Set.of(
          "str",
          "int",
          "float",
          "bool",
          "null",
          "map",
          "seq",
          STANDARD_TAG_PREFIX + "str",
          STANDARD_TAG_PREFIX + "int",
          STANDARD_TAG_PREFIX + "float",
          STANDARD_TAG_PREFIX + "bool",
          STANDARD_TAG_PREFIX + "null",
          STANDARD_TAG_PREFIX + "map",
          STANDARD_TAG_PREFIX + "seq");

  private final YamlLimits limits;
  private final YAMLFactory factory;

  public YamlReader(YamlLimits limits) {
    this.limits = limits;
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit((int) Math.min(Integer.MAX_VALUE, limits.maxBytes()));
    options.setMaxAliasesForCollections(limits.maxAliases());
    options.setNestingDepthLimit(limits.maxDepth());
    options.setAllowDuplicateKeys(false);
    // Duplicate keys are found by the tree builder, which can say where the first one was.
    this.factory =
        YAMLFactory.builder()
            .loaderOptions(options)
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
  }

  public YamlReader() {
    this(YamlLimits.DEFAULT);
  }

  /** Reads a file; the file name in marks is {@code display}, as the user wrote it. */
  public YamlNode read(Path file, String display) {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(new ConfigProblem(display, 0, 0, "file not found"));
    } catch (IOException e) {
      throw new ConfigException(new ConfigProblem(display, 0, 0, "cannot read: " + e.getMessage()));
    }
    if (size > limits.maxBytes()) {
      throw new ConfigException(
          new ConfigProblem(
              display,
              0,
              0,
              "file is "
                  + size
                  + " bytes, more than the "
                  + limits.maxBytes()
                  + " a config may have"));
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(
          new ConfigProblem(display, 0, 0, "cannot read as UTF-8 text: " + e.getMessage()));
    }
    return parse(text, display);
  }

  /** Parses YAML text; an empty document is an empty mapping. */
  public YamlNode parse(String text, String display) {
    try (YAMLParser parser = factory.createParser(new StringReader(text))) {
      Builder builder = new Builder(parser, display);
      JsonToken first = parser.nextToken();
      if (first == null) {
        return new YamlNode.Mapping(
            new LinkedHashMap<>(), Map.of(), new YamlNode.Mark(display, 1, 1));
      }
      YamlNode root = builder.node(0);
      JsonToken extra = parser.nextToken();
      if (extra != null) {
        throw builder.problem(
            parser.currentTokenLocation(), "a config holds one YAML document; found a second one");
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String message = e.getOriginalMessage();
      // SnakeYAML's messages span several lines; the first is the diagnosis.
      int nl = message.indexOf('\n');
      String firstLine = (nl < 0 ? message : message.substring(0, nl)).strip();
      throw new ConfigException(
          new ConfigProblem(
              display,
              loc == null ? 0 : loc.getLineNr(),
              loc == null ? 0 : loc.getColumnNr(),
              "invalid YAML: " + firstLine));
    } catch (IOException e) {
      throw new ConfigException(new ConfigProblem(display, 0, 0, "cannot read: " + e.getMessage()));
    }
  }

  /** Turns the parser's events into nodes, keeping anchors for alias expansion. */
  private final class Builder {
    private final YAMLParser parser;
    private final String display;
    private final Map<String, YamlNode> anchors = new HashMap<>();
    private int nodes;
    private int aliases;

    Builder(YAMLParser parser, String display) {
      this.parser = parser;
      this.display = display;
    }

    YamlNode node(int depth) throws IOException {
      JsonLocation loc = parser.currentTokenLocation();
      YamlNode.Mark mark = new YamlNode.Mark(display, loc.getLineNr(), loc.getColumnNr());
      if (depth > limits.maxDepth()) {
        throw problem(loc, "nesting deeper than " + limits.maxDepth() + " levels");
      }
      if (parser.isCurrentAlias()) {
        return alias(parser.getText(), loc);
      }
      String tag = parser.getTypeId();
      if (tag != null && !PLAIN_TAGS.contains(tag)) {
        throw problem(
            loc,
            "YAML tag '!"
                + (tag.startsWith(STANDARD_TAG_PREFIX)
                    ? "!" + tag.substring(STANDARD_TAG_PREFIX.length())
                    : tag)
                + "' is not allowed; configs hold plain values only");
      }
      Object anchorId = parser.getObjectId();
      count(loc, 1);
      JsonToken token = parser.currentToken();
      YamlNode result =
          switch (token) {
            case START_OBJECT -> mapping(mark, depth);
            case START_ARRAY -> sequence(mark, depth);
            case VALUE_STRING ->
                new YamlNode.Scalar(parser.getText(), YamlNode.ScalarKind.STRING, mark);
            case VALUE_NUMBER_INT ->
                new YamlNode.Scalar(parser.getText(), YamlNode.ScalarKind.INTEGER, mark);
            case VALUE_NUMBER_FLOAT ->
                new YamlNode.Scalar(parser.getText(), YamlNode.ScalarKind.FLOAT, mark);
            case VALUE_TRUE, VALUE_FALSE ->
                new YamlNode.Scalar(parser.getText(), YamlNode.ScalarKind.BOOLEAN, mark);
            case VALUE_NULL -> new YamlNode.Scalar("", YamlNode.ScalarKind.NULL, mark);
            default -> throw problem(loc, "unexpected YAML token " + token);
          };
      if (anchorId != null) {
        anchors.put(anchorId.toString(), result);
      }
      return result;
    }

    private YamlNode.Mapping mapping(YamlNode.Mark mark, int depth) throws IOException {
      LinkedHashMap<String, YamlNode> entries = new LinkedHashMap<>();
      Map<String, YamlNode.Mark> keyMarks = new HashMap<>();
      while (parser.nextToken() != JsonToken.END_OBJECT) {
        JsonLocation keyLoc = parser.currentTokenLocation();
        String key = parser.currentName();
        if (key != null && key.startsWith("<<")) {
          throw problem(keyLoc, "YAML merge keys ('<<') are not supported; write the keys out");
        }
        if (entries.containsKey(key)) {
          throw problem(
              keyLoc,
              "duplicate key '" + key + "' (first at line " + keyMarks.get(key).line() + ")");
        }
        parser.nextToken();
        keyMarks.put(key, new YamlNode.Mark(display, keyLoc.getLineNr(), keyLoc.getColumnNr()));
        entries.put(key, node(depth + 1));
      }
      return new YamlNode.Mapping(entries, keyMarks, mark);
    }

    private YamlNode.Sequence sequence(YamlNode.Mark mark, int depth) throws IOException {
      List<YamlNode> items = new ArrayList<>();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        items.add(node(depth + 1));
      }
      return new YamlNode.Sequence(items, mark);
    }

    private YamlNode alias(String name, JsonLocation loc) {
      aliases++;
      if (aliases > limits.maxAliases()) {
        throw problem(
            loc, "more than " + limits.maxAliases() + " aliases; refusing to expand (alias bomb?)");
      }
      YamlNode target = anchors.get(name);
      if (target == null) {
        throw problem(loc, "alias '*" + name + "' refers to no anchor defined before it");
      }
      // Aliases are shared, not copied, but each use counts its whole subtree against the budget.
      count(loc, size(target, 0));
      return target;
    }

    private long size(YamlNode node, long acc) {
      if (acc > limits.maxNodes()) {
        return acc;
      }
      long n = acc + 1;
      if (node instanceof YamlNode.Mapping m) {
        for (YamlNode child : m.entries().values()) {
          n = size(child, n);
        }
      } else if (node instanceof YamlNode.Sequence s) {
        for (YamlNode child : s.items()) {
          n = size(child, n);
        }
      }
      return n;
    }

    private void count(JsonLocation loc, long added) {
      nodes += (int) Math.min(added, Integer.MAX_VALUE);
      if (added > limits.maxNodes() || nodes > limits.maxNodes()) {
        throw problem(
            loc,
            "the document expands to more than "
                + limits.maxNodes()
                + " values; refusing to expand (alias bomb?)");
      }
    }

    ConfigException problem(JsonLocation loc, String message) {
      return new ConfigException(
          new ConfigProblem(display, loc.getLineNr(), loc.getColumnNr(), message));
    }
  }
}
