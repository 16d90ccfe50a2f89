package io.vleval.training.data;

import io.vleval.api.plugin.DatasetInfo;
import io.vleval.api.sample.Sample;
import java.util.List;

/**
 * One role of a stage's data: named datasets of one sample type, each sample turned into the
 * stage's examples (none, one or several: a question's circular shifts, an image's captioning
 * turns).
 *
 * @param role the role's key in the stage's {@code data:} ({@code captions}, {@code questions}...)
 * @param names the datasets, read in this order
 * @param type the sample type the role reads
 * @param expand a sample of a dataset to its examples
 * @param <T> the sample type
 * @param <E> the example type
 */
public record Source<T extends Sample, E>(
    String role, List<String> names, Class<T> type, Expansion<T, E> expand) {

  /** Copies. */
  public Source {
    names = List.copyOf(names);
  }

  /**
   * What one sample of a dataset becomes.
   *
   * @param <T> the sample type
   * @param <E> the example type
   */
  @FunctionalInterface
  public interface Expansion<T, E> {
    /**
     * @param dataset the dataset's name
     * @param info what the dataset says about itself (its class names)
     * @param sample one of its samples
     * @return its examples, in order
     */
    List<E> apply(String dataset, DatasetInfo info, T sample);
  }
}
