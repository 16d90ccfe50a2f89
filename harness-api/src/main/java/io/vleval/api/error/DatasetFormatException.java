package io.vleval.api.error;

/**
 * A dataset file that does not follow its format, with the file and the row or key named. When the
 * problem concerns one sample, {@link #sampleId()} names it, so that a run with {@code on_error:
 * skip} can record it and go on.
 */
public final class DatasetFormatException extends VlevalException {
  private static final long serialVersionUID = 1L;

  private final String sampleId;

  public DatasetFormatException(String file, String place, String problem) {
    this(null, file, place, problem, null);
  }

  public DatasetFormatException(String file, String place, String problem, Throwable cause) {
    this(null, file, place, problem, cause);
  }

  private DatasetFormatException(
      String sampleId, String file, String place, String problem, Throwable cause) {
    super(file + (place == null || place.isEmpty() ? "" : ": " + place) + ": " + problem, cause);
    this.sampleId = sampleId;
  }

  /** A problem with one sample, which a run may skip. */
  public static DatasetFormatException forSample(
      String sampleId, String file, String place, String problem) {
    return new DatasetFormatException(sampleId, file, place, problem, null);
  }

  /** The sample concerned, or {@code null} when the problem is not about one sample. */
  public String sampleId() {
    return sampleId;
  }
}
