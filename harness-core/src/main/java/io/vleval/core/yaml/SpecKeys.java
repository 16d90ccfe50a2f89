package io.vleval.core.yaml;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The YAML spelling of spec records: snake_case keys, lower-case enum names with '-'. */
public final class SpecKeys {
  private SpecKeys() {}

  /** {@code batchSize} becomes {@code batch_size}. */
  public static String keyOf(String componentName) {
    StringBuilder out = new StringBuilder();
    for (char c : componentName.toCharArray()) {
      if (Character.isUpperCase(c)) {
        out.append('_').append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  public static List<String> keysOf(Class<? extends Record> type) {
    List<String> keys = new ArrayList<>();
    for (RecordComponent c : type.getRecordComponents()) {
      keys.add(keyOf(c.getName()));
    }
    return keys;
  }

  /** {@code SHORTER_SIDE_CENTER_CROP} becomes {@code shorter-side-center-crop}. */
  public static String enumName(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The candidates closest to {@code word} by edit distance, best first, at most three. */
  public static List<String> nearest(String word, List<String> candidates) {
    return candidates.stream()
        .filter(c -> distance(word, c) <= Math.max(2, c.length() / 3))
        .sorted(Comparator.comparingInt((String c) -> distance(word, c)).thenComparing(c -> c))
        .limit(3)
        .toList();
  }

  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** "did you mean 'x'? " or "" */
  public static String suggestion(String word, List<String> candidates) {
    List<String> near = nearest(word, candidates);
    return near.isEmpty() ? "" : "did you mean '" + near.get(0) + "'? ";
  }
}
