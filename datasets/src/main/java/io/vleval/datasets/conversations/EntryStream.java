package io.vleval.datasets.conversations;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.error.DatasetFormatException;
import io.vleval.datasets.failure.FailureText;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The entries of a LLaVA-format annotation file, one at a time: a JSON array read with Jackson's
 * streaming parser (one element in memory), or JSON lines (one line in memory). A JSON lines file
 * is recognised by its {@code .jsonl} name or by starting with an object rather than a list.
 */
final class EntryStream implements AutoCloseable {

  /** One entry: its JSON (or {@code null} with the reason it could not be parsed) and place. */
  record Entry(JsonNode json, String problem, String place) {}

  private final Path file;
  private final ObjectMapper mapper;
  private final BufferedReader lines;
  private final JsonParser array;
  private int index;
  private int lineNumber;

  EntryStream(Path file, ObjectMapper mapper) {
    this.file = file;
    this.mapper = mapper;
    try {
      if (isJsonLines(file)) {
        lines = new BufferedReader(utf8(file), 1 << 16);
        array = null;
      } else {
        lines = null;
        array = mapper.getFactory().createParser(utf8(file));
        if (array.nextToken() != JsonToken.START_ARRAY) {
          JsonToken t = array.currentToken();
          array.close();
          throw new DatasetFormatException(
              file.toString(),
              "line 1",
              "expected a JSON list of conversation entries (or JSON lines), found " + kind(t));
        }
      }
    } catch (JsonProcessingException e) {
      throw FailureText.invalidJson(file, e);
    } catch (IOException e) {
      throw new DatasetFormatException(file.toString(), "", "cannot read: " + FailureText.of(e), e);
    }
  }

  private static String kind(JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> "an object";
    };
  }

  static boolean isJsonLines(Path file) throws IOException {
    if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jsonl")) {
      return true;
    }
    try (Reader r = utf8(file)) {
      int c;
      while ((c = r.read()) >= 0) {
        if (c == '\uFEFF' || Character.isWhitespace(c)) {
          continue;
        }
        return c == '{';
      }
    }
    return false;
  }

  private static Reader utf8(Path file) throws IOException {
    return new InputStreamReader(
        Files.newInputStream(file),
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT));
  }

  /** The next entry, or {@code null} at the end of the file. */
  Entry next() {
    try {
      return lines != null ? nextLine() : nextElement();
    } catch (JsonProcessingException e) {
      throw FailureText.invalidJson(file, e);
    } catch (IOException e) {
      throw new DatasetFormatException(
          file.toString(),
          lines != null ? "line " + (lineNumber + 1) : "[" + index + "]",
          "cannot read: " + FailureText.of(e),
          e);
    }
  }

  private Entry nextLine() throws IOException {
    String line;
    do {
      line = lines.readLine();
      lineNumber++;
      if (line == null) {
        return null;
      }
    } while (line.isBlank());
    index++;
    String place = "line " + lineNumber;
    try {
      return new Entry(mapper.readTree(line), null, place);
    } catch (JsonProcessingException e) {
      return new Entry(
          null,
          "invalid JSON at column "
              + (e.getLocation() == null ? 0 : e.getLocation().getColumnNr())
              + ": "
              + FailureText.plain(e.getOriginalMessage()),
          place);
    }
  }

  private Entry nextElement() throws IOException {
    JsonToken t = array.nextToken();
    if (t == null || t == JsonToken.END_ARRAY) {
      return null;
    }
    long line = array.currentLocation().getLineNr();
    JsonNode node = mapper.readTree(array);
    return new Entry(node, null, "[" + index++ + "] (line " + line + ")");
  }

  /** Counts the entries, reading the file once; a JSON syntax error stops with its place. */
  static long count(Path file, ObjectMapper mapper) {
    try (EntryStream s = new EntryStream(file, mapper)) {
      long n = 0;
      if (s.lines != null) {
        String line;
        while ((line = s.lines.readLine()) != null) {
          if (!line.isBlank()) {
            n++;
          }
        }
        return n;
      }
      JsonToken t;
      while ((t = s.array.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) {
          throw new DatasetFormatException(
              file.toString(), "", "the file ends inside the list; expected a closing ']'");
        }
        s.array.skipChildren();
        n++;
      }
      return n;
    } catch (JsonProcessingException e) {
      throw FailureText.invalidJson(file, e);
    } catch (IOException e) {
      throw new DatasetFormatException(file.toString(), "", "cannot read: " + FailureText.of(e), e);
    }
  }

  @Override
  public void close() {
    try {
      if (lines != null) {
        lines.close();
      } else {
        array.close();
      }
    } catch (IOException e) {
      throw new DatasetFormatException(
          file.toString(), "", "cannot close: " + FailureText.of(e), e);
    }
  }
}
