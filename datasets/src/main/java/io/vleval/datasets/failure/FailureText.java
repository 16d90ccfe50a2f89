package io.vleval.datasets.failure;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.vleval.api.error.DatasetFormatException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Plain words for failures reported by the JDK and by third-party decoders, for messages users
 * read: no Java class names, no stack traces, no path repeated after the caller has named it.
 */
public final class FailureText {

  /** A qualified or simple Java exception name, with the colon that may follow it. */
  private static final Pattern CLASS_NAME =
      Pattern.compile(
          "\\b(?:[a-z_$][\\w$]*\\.)*[A-Z][\\w$]*(?:Exception|Error)\\b(?::\\s*)?(?:\\(\\s*\\))?");

  /** JavaCV appends these to its messages for developers; users cannot act on them. */
  private static final List<String> DEVELOPER_HINTS =
      List.of("(Has ", "(For more details", "(Is ", "(Did ");

  private static final int MAX_LENGTH = 300;

  private FailureText() {}

  /**
   * What went wrong reading or listing a file, in words: "no such file", "permission denied", "not
   * a folder", "not valid UTF-8 text"..., else the system's own reason without the path.
   */
  public static String of(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or folder";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NotDirectoryException) {
      return "not a folder";
    }
    if (e instanceof FileSystemLoopException) {
      return "symbolic links form a loop";
    }
    if (e instanceof CharacterCodingException) {
      return "not valid UTF-8 text";
    }
    if (e instanceof EOFException) {
      return "the file ends too early";
    }
    if (e instanceof FileSystemException f && f.getReason() != null && !f.getReason().isBlank()) {
      return lowerFirst(f.getReason().strip());
    }
    return lowerFirst(of((Throwable) e));
  }

  /**
   * The messages of a failure and its causes, joined on one line, with Java class names removed and
   * repeated parts dropped; "an unexpected failure" when no cause says anything.
   */
  public static String of(Throwable e) {
    StringBuilder sb = new StringBuilder();
    String previous = null;
    for (Throwable t = e; t != null && sb.length() < MAX_LENGTH; t = t.getCause()) {
      String msg = t.getMessage() == null ? "" : plain(t.getMessage());
      if (!msg.isEmpty() && (previous == null || !previous.contains(msg))) {
        if (sb.length() > 0) {
          sb.append(": ");
        }
        sb.append(msg);
        previous = msg;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    String text = sb.length() > MAX_LENGTH ? sb.substring(0, MAX_LENGTH) + "..." : sb.toString();
    return text.isEmpty() ? "an unexpected failure" : text;
  }

  /**
   * One line of text with Java exception class names and JavaCV's hints to developers ("(Has
   * setFormat() been called?)") taken out.
   */
  public static String plain(String message) {
    String one = message.replaceAll("\\s+", " ");
    for (String hint : DEVELOPER_HINTS) {
      int at = one.indexOf(hint);
      if (at >= 0) {
        one = one.substring(0, at);
      }
    }
    String stripped = CLASS_NAME.matcher(one).replaceAll("").strip();
    while (stripped.startsWith(":")) {
      stripped = stripped.substring(1).strip();
    }
    while (stripped.endsWith("!") || stripped.endsWith(":")) {
      stripped = stripped.substring(0, stripped.length() - 1).strip();
    }
    return stripped;
  }

  /** Whether the failure or one of its causes is an end of file reached too early. */
  public static boolean isTruncation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof EOFException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * @return {@code s} with its first letter lower-cased when it starts a sentence-cased word (not
   *     an acronym), so a library's message reads as the second half of ours
   */
  public static String lowerFirst(String s) {
    if (s.length() > 1
        && Character.isUpperCase(s.charAt(0))
        && Character.isLowerCase(s.charAt(1))) {
      return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
    return s;
  }

  /**
   * @return the error for a file that is not valid JSON: its line and column, and the parser's
   *     reason in plain words
   */
  public static DatasetFormatException invalidJson(Path file, JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    return new DatasetFormatException(
        file.toString(),
        at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr(),
        "invalid JSON: " + plain(e.getOriginalMessage()),
        e);
  }
}
