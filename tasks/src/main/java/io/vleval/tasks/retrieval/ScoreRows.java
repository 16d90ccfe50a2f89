package io.vleval.tasks.retrieval;

/**
 * A texts x gallery score matrix produced a block of text rows at a time, so that ranks can be
 * counted without the whole matrix in memory (COCO's 25k x 5k is 500 MB of floats). Blocks may be
 * asked for from several threads at once.
 */
public interface ScoreRows {

  /** Number of rows (texts). */
  int texts();

  /** Number of columns (images or videos). */
  int images();

  /**
   * Fills {@code out[r]} (each {@link #images()} long) with row {@code from + r}, for every {@code
   * r < to - from}.
   */
  void fill(int from, int to, float[][] out);

  /**
   * The score of one text for one image, equal to that entry of its row. By default its row is
   * computed; a source that can compute one entry alone should.
   */
  default float at(int text, int image) {
    float[][] row = new float[1][images()];
    fill(text, text + 1, row);
    return row[0][image];
  }

  /** The rows of a matrix in memory (not copied). */
  static ScoreRows of(float[][] scores) {
    int images = scores.length == 0 ? 0 : scores[0].length;
    for (int t = 0; t < scores.length; t++) {
      if (scores[t].length != images) {
        throw new IllegalArgumentException(
            "scores row " + t + " has " + scores[t].length + " columns, row 0 has " + images);
      }
    }
    return new ScoreRows() {
      @Override
      public int texts() {
        return scores.length;
      }

      @Override
      public int images() {
        return images;
      }

      @Override
      public void fill(int from, int to, float[][] out) {
        for (int t = from; t < to; t++) {
          System.arraycopy(scores[t], 0, out[t - from], 0, images);
        }
      }

      @Override
      public float at(int text, int image) {
        return scores[text][image];
      }
    };
  }
}
