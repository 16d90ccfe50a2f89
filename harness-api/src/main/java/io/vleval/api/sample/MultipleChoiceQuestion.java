package io.vleval.api.sample;

import java.util.List;

/**
 * An MMBench-style question about an image: options labelled A, B, C... in order, the correct
 * letter, and the categories results are broken down by.
 *
 * @param id row id, unique within the dataset
 * @param questionIndex the question this row is a circular variant of (rows sharing it are scored
 *     together under circular evaluation); equal to the row's own index when there is only one
 *     variant
 * @param image may be {@code null} for text-only questions
 * @param hint may be {@code null}
 * @param options the option texts, in letter order (A first)
 * @param answer the correct letter
 */
public record MultipleChoiceQuestion(
    String id,
    String questionIndex,
    ImageSource image,
    String question,
    String hint,
    List<String> options,
    String answer,
    String category,
    String l2Category)
    implements Sample {

  public MultipleChoiceQuestion {
    options = List.copyOf(options);
  }

  /** The letters of the options, "A", "B", ... */
  public List<String> letters() {
    return optionLetters(options.size());
  }

  public static List<String> optionLetters(int count) {
    String[] letters = new String[count];
    for (int i = 0; i < count; i++) {
      letters[i] = String.valueOf((char) ('A' + i));
    }
    return List.of(letters);
  }
}
