package io.vleval.api.error;

/** A dataset file that does not follow its format, with the file and the row or key named. */
public final class DatasetFormatException extends VlevalException {
  private static final long serialVersionUID = 1L;

  public DatasetFormatException(String file, String place, String problem) {
    super(file + (place == null || place.isEmpty() ? "" : ": " + place) + ": " + problem);
  }

  public DatasetFormatException(String file, String place, String problem, Throwable cause) {
    super(file + (place == null || place.isEmpty() ? "" : ": " + place) + ": " + problem, cause);
  }
}
