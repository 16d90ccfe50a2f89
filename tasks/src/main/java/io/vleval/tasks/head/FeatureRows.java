package io.vleval.tasks.head;

/**
 * Feature vectors a head trains on, read a mini-batch at a time: in memory ({@link #of}) or from a
 * memory-mapped feature file, so the training set never has to fit in the heap.
 */
public interface FeatureRows {

  /** Number of rows. */
  int size();

  /** Length of every row. */
  int dim();

  /**
   * Copies rows {@code rows[0], rows[1], ...} one after the other into {@code out} (row-major,
   * {@code rows.length * dim()} floats).
   */
  void gather(int[] rows, float[] out);

  /** Rows held in memory; {@code features} is not copied. */
  static FeatureRows of(float[][] features) {
    if (features.length == 0) {
      throw new IllegalArgumentException("no feature rows");
    }
    int dim = features[0].length;
    for (int i = 0; i < features.length; i++) {
      if (features[i].length != dim) {
        throw new IllegalArgumentException(
            "feature row " + i + " has " + features[i].length + " values, row 0 has " + dim);
      }
    }
    return new FeatureRows() {
      @Override
      public int size() {
        return features.length;
      }

      @Override
      public int dim() {
        return dim;
      }

      @Override
      public void gather(int[] rows, float[] out) {
        for (int i = 0; i < rows.length; i++) {
          System.arraycopy(features[rows[i]], 0, out, i * dim, dim);
        }
      }
    };
  }
}
