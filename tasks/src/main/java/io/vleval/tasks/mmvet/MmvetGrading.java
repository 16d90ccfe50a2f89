package io.vleval.tasks.mmvet;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * MM-Vet's grading of one prediction, as {@code mm-vet_evaluator.py} runs it: the few-shot prompt
 * ({@link #PROMPT}, then a line {@code question | ground truth | prediction | } with the ground
 * truth's {@code <AND>} and {@code <OR>} spaced out), the grader's reply cut at its first space and
 * stripped, read as a number in [0, 1]. A reply that is not is asked again with {@link
 * #RETRY_SUFFIX} added to the prompt, up to five times; when the fifth retry is needed the sample
 * scores 0 and that last reply is not read (the script's {@code try_time > 5}). The script raises
 * the temperature by 0.5 on each retry after the first; here every request is the same greedy one
 * (the judge's decoding is fixed), so the grades agree with the script's wherever its grader
 * answers each prompt the same way.
 */
public final class MmvetGrading {
  private MmvetGrading() {}

  /** The evaluator's few-shot grader prompt ({@code prompt} in {@code mm-vet_evaluator.py}). */
  public static final String PROMPT =
      "Compare the ground truth and prediction from AI models, to give a correctness score for the"
          + " prediction. <AND> in the ground truth means it is totally right only when all"
          + " elements in the ground truth are present in the prediction, and <OR> means it is"
          + " totally right when any one element in the ground truth is present in the"
          + " prediction. The correctness score is 0.0 (totally wrong), 0.1, 0.2, 0.3, 0.4, 0.5,"
          + " 0.6, 0.7, 0.8, 0.9, or 1.0 (totally right). Just complete the last space of the"
          + " correctness score.\n"
          + "\n"
          + "Question | Ground truth | Prediction | Correctness\n"
          + "--- | --- | --- | ---\n"
          + "What is x in the equation? | -1 <AND> -5 | x = 3 | 0.0\n"
          + "What is x in the equation? | -1 <AND> -5 | x = -1 | 0.5\n"
          + "What is x in the equation? | -1 <AND> -5 | x = -5 | 0.5\n"
          + "What is x in the equation? | -1 <AND> -5 | x = -5 or 5 | 0.5\n"
          + "What is x in the equation? | -1 <AND> -5 | x = -1 or x = -5 | 1.0\n"
          + "Can you explain this meme? | This meme is poking fun at the fact that the names of"
          + " the countries Iceland and Greenland are misleading. Despite its name, Iceland is"
          + " known for its beautiful green landscapes, while Greenland is mostly covered in ice"
          + " and snow. The meme is saying that the person has trust issues because the names of"
          + " these countries do not accurately represent their landscapes. | The meme talks"
          + " about Iceland and Greenland. It's pointing out that despite their names, Iceland is"
          + " not very icy and Greenland isn't very green. | 0.4\n"
          + "Can you explain this meme? | This meme is poking fun at the fact that the names of"
          + " the countries Iceland and Greenland are misleading. Despite its name, Iceland is"
          + " known for its beautiful green landscapes, while Greenland is mostly covered in ice"
          + " and snow. The meme is saying that the person has trust issues because the names of"
          + " these countries do not accurately represent their landscapes. | The meme is using"
          + " humor to point out the misleading nature of Iceland's and Greenland's names."
          + " Iceland, despite its name, has lush green landscapes while Greenland is mostly"
          + " covered in ice and snow. The text 'This is why I have trust issues' is a playful"
          + " way to suggest that these contradictions can lead to distrust or confusion. The"
          + " humor in this meme is derived from the unexpected contrast between the names of the"
          + " countries and their actual physical characteristics. | 1.0\n";

  /** Added to the prompt when the grader's reply is not a grade. */
  public static final String RETRY_SUFFIX = "\nPredict the correctness of the answer (digit): ";

  /** The grader's reply length bound ({@code max_tokens=3}). */
  public static final int MAX_TOKENS = 3;

  /**
   * One graded sample.
   *
   * @param score the grade in [0, 1] (0 when every retry failed)
   * @param content the last reply as the script keeps it: the grade's text, or the raw reply when
   *     it gave up
   * @param replies every raw reply, in order
   */
  public record Grade(double score, String content, List<String> replies) {}

  /** The first prompt for one sample. */
  public static String prompt(String question, String groundTruth, String prediction) {
    return PROMPT
        + "\n"
        + String.join(
            " | ",
            question,
            groundTruth.replace("<AND>", " <AND> ").replace("<OR>", " <OR> "),
            prediction,
            "");
  }

  /**
   * Grades one sample.
   *
   * @param ask sends a prompt to the grader and returns its reply
   */
  public static Grade grade(
      String question, String groundTruth, String prediction, Function<String, String> ask) {
    String first = prompt(question, groundTruth, prediction);
    List<String> replies = new ArrayList<>();
    String content = ask.apply(first);
    replies.add(content);
    int tries = 1;
    while (true) {
      String token = pythonStrip(firstField(content));
      OptionalDouble score = read(token);
      if (score.isPresent()) {
        return new Grade(score.getAsDouble(), token, replies);
      }
      content = ask.apply(first + RETRY_SUFFIX);
      replies.add(content);
      tries++;
      if (tries > 5) {
        return new Grade(0.0, content, replies);
      }
    }
  }

  /** {@code content.split(" ")[0]}. */
  static String firstField(String content) {
    int space = content.indexOf(' ');
    return space == -1 ? content : content.substring(0, space);
  }

  private static final Pattern PY_FLOAT =
      Pattern.compile(
          "[+-]?(?:(?:\\d(?:_?\\d)*)(?:\\.(?:\\d(?:_?\\d)*)?)?|\\.\\d(?:_?\\d)*)"
              + "(?:[eE][+-]?\\d(?:_?\\d)*)?");

  private static final Pattern PY_SPECIAL =
      Pattern.compile("[+-]?(?:inf|infinity|nan)", Pattern.CASE_INSENSITIVE);

  /**
   * The grade {@code float(token)} gives when it is in [0, 1] (NaN passes the script's range check,
   * as it does there); empty when Python's {@code float} refuses the token or it is out of range.
   */
  public static OptionalDouble read(String token) {
    double v;
    if (PY_FLOAT.matcher(token).matches()) {
      v = Double.parseDouble(token.replace("_", ""));
    } else if (PY_SPECIAL.matcher(token).matches()) {
      String t = token.toLowerCase(Locale.ROOT);
      v = t.contains("nan") ? Double.NaN : t.startsWith("-") ? -1.0 / 0 : 1.0 / 0;
    } else {
      return OptionalDouble.empty();
    }
    if (v > 1.0 || v < 0.0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(v);
  }

  /** Python's {@code str.strip()} for the white space a grader reply may carry. */
  static String pythonStrip(String s) {
    int b = 0;
    int e = s.length();
    while (b < e && (Character.isWhitespace(s.charAt(b)) || Character.isSpaceChar(s.charAt(b)))) {
      b++;
    }
    while (e > b
        && (Character.isWhitespace(s.charAt(e - 1)) || Character.isSpaceChar(s.charAt(e - 1)))) {
      e--;
    }
    return s.substring(b, e);
  }
}
