package io.vleval.tasks.metrics.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code str.split()} and {@code str.split(" ")}, which the coco-caption scorers rely on.
 */
public final class PythonText {

  private PythonText() {}

  /** {@code s.split()}: runs of Unicode whitespace separate tokens; no empty tokens. */
  public static List<String> splitWhitespace(String s) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < s.length(); i++) {
      if (isSpace(s.charAt(i))) {
        if (start >= 0) {
          out.add(s.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    if (start >= 0) {
      out.add(s.substring(start));
    }
    return out;
  }

  /**
   * {@code s.split(" ")}: every single space separates, so empty tokens survive (an empty string is
   * one token).
   */
  public static List<String> splitSpace(String s) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == ' ') {
        out.add(s.substring(start, i));
        start = i + 1;
      }
    }
    out.add(s.substring(start));
    return out;
  }

  /** Python's {@code str.isspace()} for one BMP character. */
  public static boolean isSpace(char c) {
    return switch (c) {
      case '\t',
          '\n',
          '\u000b',
          '\f',
          '\r',
          '\u001c',
          '\u001d',
          '\u001e',
          '\u001f',
          ' ',
          '\u0085',
          '\u00a0',
          '\u1680',
          '\u2028',
          '\u2029',
          '\u202f',
          '\u205f',
          '\u3000' ->
          true;
      default -> c >= '\u2000' && c <= '\u200a';
    };
  }
}
