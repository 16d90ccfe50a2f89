package io.vleval.model.internvl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The arithmetic the parity tests share: errors against a reference, arg-max, and the report file.
 */
public final class ParityMath {

  private ParityMath() {}

  /**
   * @param got computed values
   * @param want reference values, as many
   * @return the largest absolute difference
   */
  public static double maxAbsError(float[] got, float[] want) {
    double max = 0;
    for (int i = 0; i < want.length; i++) {
      max = Math.max(max, Math.abs(got[i] - want[i]));
    }
    return max;
  }

  /**
   * @param got computed values
   * @param want reference values, as many
   * @return the largest absolute difference divided by the largest reference magnitude
   */
  public static double relativeError(float[] got, float[] want) {
    double scale = 0;
    for (float w : want) {
      scale = Math.max(scale, Math.abs(w));
    }
    return maxAbsError(got, want) / scale;
  }

  /**
   * @param v values
   * @param from the first index of the row
   * @param n the row's length
   * @return the index of the row's largest value, relative to {@code from}
   */
  public static int argMax(float[] v, int from, int n) {
    int best = from;
    for (int i = from; i < from + n; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best - from;
  }

  /**
   * Writes {@code target/parity-report/NAME.txt}: one line per tensor with its max abs error.
   *
   * @param name the case
   * @param errors tensor → max abs error
   */
  public static void report(String name, Map<String, Double> errors) {
    report(name, "max abs", errors);
  }

  /**
   * Writes {@code target/parity-report/NAME.txt}: one line per tensor with its error.
   *
   * @param name the case
   * @param measure what the errors are, e.g. {@code max abs}
   * @param errors tensor → error
   */
  public static void report(String name, String measure, Map<String, Double> errors) {
    StringBuilder sb = new StringBuilder();
    errors.forEach(
        (k, e) -> sb.append(String.format(Locale.ROOT, "%s\t%s\t%s %.3e%n", name, k, measure, e)));
    try {
      Path file = Path.of("target", "parity-report", name + ".txt");
      Files.createDirectories(file.getParent());
      Files.writeString(file, sb.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
