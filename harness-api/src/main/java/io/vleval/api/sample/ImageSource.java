package io.vleval.api.sample;

/**
 * A lazily decoded image: datasets hand these out so that decoding happens in the pipeline's worker
 * threads, not while the dataset is being listed.
 */
public interface ImageSource {
  /**
   * Decodes the image; throws a {@link io.vleval.api.error.VlevalException} naming the file on
   * failure.
   */
  RgbImage load();

  /** Where the image comes from (a path, or a row of a TSV), for error messages and reports. */
  String origin();

  /** An in-memory image, mostly for tests and generated data. */
  static ImageSource of(RgbImage image, String origin) {
    return new ImageSource() {
      @Override
      public RgbImage load() {
        return image;
      }

      @Override
      public String origin() {
        return origin;
      }
    };
  }
}
