package io.vleval.training.loop;

/**
 * The order a stage's samples are drawn in: which sample the loop hands the objective at each
 * position of the stream of draws, and how many epochs a number of draws covers. The order depends
 * only on the seed and the position, so a resumed run draws exactly what the uninterrupted one
 * would.
 */
public interface SampleOrder {

  /**
   * @param k the 0-based position in the stream of drawn samples
   * @return the sample drawn there (what {@link Objective#forward} receives)
   */
  int at(long k);

  /**
   * @param drawn how many samples have been drawn
   * @return how many whole epochs they cover
   */
  long epochs(long drawn);
}
