package io.vleval.api.error;

/**
 * One problem in a config file, rendered as {@code FILE:LINE:COLUMN: message}.
 *
 * @param file the file as the user named it
 * @param line 1-based line, or 0 when the problem concerns the whole file
 * @param column 1-based column, or 0 when unknown
 * @param message what is wrong, what was expected, and how to fix it where that helps
 */
public record ConfigProblem(String file, int line, int column, String message) {

  @Override
  public String toString() {
    if (line <= 0) {
      return file + ": " + message;
    }
    return file + ":" + line + ":" + column + ": " + message;
  }
}
