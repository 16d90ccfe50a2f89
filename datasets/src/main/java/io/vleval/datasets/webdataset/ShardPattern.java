package io.vleval.datasets.webdataset;

import java.util.ArrayList;
import java.util.List;

/**
 * Expands WebDataset's shard patterns as the shell and {@code braceexpand} do: {@code
 * {000000..000099}} is a numeric range, zero-padded to the width of its first bound; {@code
 * {a,b,c}} lists alternatives; several braces multiply. Text without braces is one shard.
 */
final class ShardPattern {

  /** The most shard names one pattern may expand to. */
  static final int MAX_SHARDS = 1_000_000;

  private ShardPattern() {}

  /**
   * @return the names in order
   * @throws IllegalArgumentException with the reason in words when the pattern is malformed
   */
  static List<String> expand(String pattern) {
    List<String> out = new ArrayList<>();
    out.add("");
    int i = 0;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      if (c == '}') {
        throw new IllegalArgumentException("'}' at position " + i + " closes no '{'");
      }
      if (c != '{') {
        int next = nextBrace(pattern, i);
        String literal = pattern.substring(i, next);
        out.replaceAll(prefix -> prefix + literal);
        i = next;
        continue;
      }
      int close = pattern.indexOf('}', i);
      if (close < 0) {
        throw new IllegalArgumentException("'{' at position " + i + " is not closed");
      }
      String body = pattern.substring(i + 1, close);
      if (body.indexOf('{') >= 0) {
        throw new IllegalArgumentException("nested braces at position " + i + " are not read");
      }
      List<String> options = options(body);
      if ((long) out.size() * options.size() > MAX_SHARDS) {
        throw new IllegalArgumentException("expands to more than " + MAX_SHARDS + " shards");
      }
      List<String> product = new ArrayList<>(out.size() * options.size());
      for (String prefix : out) {
        for (String option : options) {
          product.add(prefix + option);
        }
      }
      out = product;
      i = close + 1;
    }
    return out;
  }

  private static int nextBrace(String s, int from) {
    for (int j = from; j < s.length(); j++) {
      if (s.charAt(j) == '{' || s.charAt(j) == '}') {
        return j;
      }
    }
    return s.length();
  }

  private static List<String> options(String body) {
    int dots = body.indexOf("..");
    if (dots >= 0 && body.indexOf(',') < 0) {
      String from = body.substring(0, dots);
      String to = body.substring(dots + 2);
      if (!from.matches("[0-9]{1,18}") || !to.matches("[0-9]{1,18}")) {
        throw new IllegalArgumentException(
            "range {" + body + "} must have whole numbers at both ends, e.g. {000000..000099}");
      }
      long a = Long.parseLong(from);
      long b = Long.parseLong(to);
      if (b < a) {
        throw new IllegalArgumentException("range {" + body + "} ends before it starts");
      }
      if (b - a + 1 > MAX_SHARDS) {
        throw new IllegalArgumentException("expands to more than " + MAX_SHARDS + " shards");
      }
      int width = from.length();
      List<String> out = new ArrayList<>((int) (b - a + 1));
      for (long v = a; v <= b; v++) {
        String digits = Long.toString(v);
        out.add(digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits);
      }
      return out;
    }
    if (body.indexOf(',') < 0) {
      throw new IllegalArgumentException(
          "{" + body + "} is neither a range {a..b} nor a list {a,b}");
    }
    return List.of(body.split(",", -1));
  }
}
