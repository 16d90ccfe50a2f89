package io.vleval.tasks.mmbench;

import io.vleval.tasks.metrics.text.PythonText;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rule-based answer extraction, a port of VLMEvalKit's {@code can_infer}, {@code can_infer_option}
 * and {@code can_infer_text} ({@code vlmeval/utils/matching_util.py}), used with the {@code
 * exact_matching} judge.
 *
 * <ol>
 *   <li>Option letters: {@code "Failed to obtain answer via API"} gives no answer; a known refusal
 *       phrase gives {@code Z}. Otherwise the characters {@code .()[],:;!*#{}} become spaces and
 *       the text is split on whitespace; if exactly one choice letter occurs as a token, it is the
 *       answer when its first occurrence is among the last four tokens ({@code index > len - 5});
 *       if none occurs and a token {@code Z} does, the answer is {@code Z}. Then {@code (correct
 *       )?answer is **X**} (case-insensitive, X in A-D and a choice) gives X.
 *   <li>Option texts: the lower-cased answer must be at most twice as long as all option texts
 *       together, and exactly one lower-cased option text must occur in it as a substring.
 * </ol>
 *
 * Reproduces the {@code extraction_cases} of {@code fixtures/metrics/mmbench.json}.
 */
public final class AnswerExtractor {

  private static final List<String> REFUSALS =
      List.of(
          "Sorry, I can't help with images of people yet.",
          "I can't process this file.",
          "I'm sorry, but without the image provided",
          "Cannot determine the answer");
  private static final String API_FAILURE = "Failed to obtain answer via API";
  private static final String SEPARATORS = ".()[],:;!*#{}";
  private static final Pattern VERBOSE_ANSWER =
      Pattern.compile("(?i)(?:correct\\s+)?answer\\s+is\\s+\\**([ABCD])\\**");

  private AnswerExtractor() {}

  /** {@code can_infer}: the option-letter rules, then the option-text rule. */
  public static Optional<String> canInfer(String answer, Map<String, String> choices) {
    Optional<String> option = canInferOption(answer, choices);
    return option.isPresent() ? option : canInferText(answer, choices);
  }

  /** {@code can_infer_option}: the answer's option letter, {@code Z} for a refusal, or empty. */
  public static Optional<String> canInferOption(String answer, Map<String, String> choices) {
    if (answer.contains(API_FAILURE)) {
      return Optional.empty();
    }
    for (String refusal : REFUSALS) {
      if (answer.contains(refusal)) {
        return Optional.of("Z");
      }
    }
    StringBuilder modified = new StringBuilder(answer.length());
    for (int i = 0; i < answer.length(); i++) {
      char c = answer.charAt(i);
      modified.append(SEPARATORS.indexOf(c) >= 0 ? ' ' : c);
    }
    List<String> splits = splitWhitespace(modified.toString());
    int count = 0;
    for (String letter : choices.keySet()) {
      if (splits.contains(letter)) {
        count++;
      }
    }
    if (count == 1) {
      for (String letter : choices.keySet()) {
        int at = splits.indexOf(letter);
        if (at >= 0 && at > splits.size() - 5) {
          return Optional.of(letter);
        }
      }
    } else if (count == 0 && splits.contains("Z")) {
      // count_choice(splits, {'Z', ''}) == 1: the empty string is never a whitespace-split token
      return Optional.of("Z");
    }
    Matcher m = VERBOSE_ANSWER.matcher(answer);
    if (m.find()) {
      String letter = m.group(1).toUpperCase(Locale.ROOT);
      if (choices.containsKey(letter)) {
        return Optional.of(letter);
      }
    }
    return Optional.empty();
  }

  /**
   * {@code can_infer_text}: the single option whose lower-cased text occurs in the lower-cased
   * answer.
   */
  public static Optional<String> canInferText(String answer, Map<String, String> choices) {
    String lower = answer.toLowerCase(Locale.ROOT);
    long total = 0;
    for (String text : choices.values()) {
      total += text.codePointCount(0, text.length());
    }
    if (lower.codePointCount(0, lower.length()) > 2 * total) {
      return Optional.empty();
    }
    String found = null;
    int candidates = 0;
    for (Map.Entry<String, String> e : choices.entrySet()) {
      if (lower.contains(e.getValue().toLowerCase(Locale.ROOT))) {
        candidates++;
        found = e.getKey();
      }
    }
    return candidates == 1 ? Optional.of(found) : Optional.empty();
  }

  /** Python's {@code str.split()}. */
  static List<String> splitWhitespace(String s) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < s.length(); i++) {
      if (PythonText.isSpace(s.charAt(i))) {
        if (start >= 0) {
          out.add(s.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    if (start >= 0) {
      out.add(s.substring(start));
    }
    return out;
  }
}
