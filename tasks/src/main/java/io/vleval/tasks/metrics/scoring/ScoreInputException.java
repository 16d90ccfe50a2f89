package io.vleval.tasks.metrics.scoring;

import io.vleval.api.error.VlevalException;
import java.nio.file.Path;

/**
 * Bad input to {@code vleval score}: the message names the file, the place in it (row, key, index)
 * and what is wrong, on one line.
 */
public class ScoreInputException extends VlevalException {

  private static final long serialVersionUID = 1L;

  /**
   * @param file the offending file or folder
   * @param place where in it, e.g. {@code row 12}, {@code key "scores"[3]}
   * @param problem what is wrong and what was expected
   */
  public ScoreInputException(Path file, String place, String problem) {
    super(file + ": " + place + ": " + problem);
  }

  /** The same, keeping the low-level cause (e.g. a JSON syntax error). */
  public ScoreInputException(Path file, String place, String problem, Throwable cause) {
    super(file + ": " + place + ": " + problem, cause);
  }
}
