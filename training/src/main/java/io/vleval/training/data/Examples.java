package io.vleval.training.data;

import io.vleval.training.loop.SampleOrder;
import io.vleval.training.loop.ShuffledOrder;
import java.util.List;

/**
 * What a stage trains on, one example at a time: indexed (every example held as a small handle,
 * images undecoded; drawn in a seeded permutation per epoch) or streamed (read again every epoch
 * and shuffled through a bounded buffer, so that no more than the buffer and a batch or two is ever
 * held).
 *
 * @param <E> the example type
 */
public interface Examples<E> extends AutoCloseable {

  /**
   * @return the number of examples per epoch, or -1 for a stream (not known before it is read)
   */
  int size();

  /**
   * @param i what the {@link #order} drew: an index (indexed) or a position in the stream
   *     (streamed)
   * @return the example
   */
  E get(int i);

  /**
   * @param seed the stage's seed
   * @return the order the loop draws in
   */
  SampleOrder order(long seed);

  /** Closes what a stream holds open (its files); indexed examples hold nothing. */
  @Override
  default void close() {}

  /**
   * @param examples the examples, in a fixed order
   * @param <E> their type
   * @return them as indexed examples, drawn in a {@link ShuffledOrder}
   */
  static <E> Examples<E> indexed(List<E> examples) {
    List<E> all = List.copyOf(examples);
    return new Examples<>() {
      @Override
      public int size() {
        return all.size();
      }

      @Override
      public E get(int i) {
        return all.get(i);
      }

      @Override
      public SampleOrder order(long seed) {
        return new ShuffledOrder(all.size(), seed);
      }
    };
  }
}
