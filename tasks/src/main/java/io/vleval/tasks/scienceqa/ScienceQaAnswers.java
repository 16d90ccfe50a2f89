package io.vleval.tasks.scienceqa;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The option letter a ScienceQA reply names, by the rules of the two reference scripts. */
public final class ScienceQaAnswers {
  private ScienceQaAnswers() {}

  /** LLaVA's letters ({@code --options}, default A to E). */
  private static final List<String> LLAVA_OPTIONS = List.of("A", "B", "C", "D", "E");

  private static final Pattern THE_ANSWER_IS = Pattern.compile("The answer is ([A-Z]).");

  /**
   * InternVL's {@code eval/scienceqa/evaluate_scienceqa.py} {@code post_process}, whose result is
   * compared with the answer letter as it is: the reply stripped of surrounding white space; a
   * one-character reply is itself; a longer reply starting with an option letter is that letter ("A
   * cat" is A, "Both" is B when there is a B); else the first option (in letter order) whose text
   * occurs in the reply; else "X." is X, and "(X)..." is X. Anything else is the reply itself and
   * matches no letter. Where the script would fail (a two-character reply starting with "(" indexes
   * past its end) the reply is kept as it is.
   *
   * @param options the option texts, in letter order
   */
  public static String internVl(String reply, List<String> options) {
    String pred = pythonStrip(reply);
    int n = pred.codePointCount(0, pred.length());
    if (n == 1) {
      return pred;
    }
    if (n > 1) {
      String first = pred.substring(0, pred.offsetByCodePoints(0, 1));
      if (letterIndex(first, options.size()) >= 0) {
        return first;
      }
      for (int i = 0; i < options.size(); i++) {
        if (pred.contains(options.get(i))) {
          return letter(i);
        }
      }
    }
    if (n > 1 && pred.charAt(pred.offsetByCodePoints(0, 1)) == '.') {
      pred = pred.substring(0, pred.offsetByCodePoints(0, 1));
    } else if (n > 2
        && pred.charAt(0) == '('
        && pred.codePointAt(pred.offsetByCodePoints(0, 2)) == ')') {
      pred = new String(Character.toChars(pred.codePointAt(1)));
    }
    return pred;
  }

  /**
   * LLaVA's {@code llava/eval/eval_science_qa.py}: the reply is a letter among A to E; or starts
   * with a letter among A to E followed by ". "; or contains "The answer is X." exactly once (X any
   * capital, the dot any character). Else {@code FAILED}. The letter counts only when it is among
   * the question's options.
   *
   * @return the letter, or {@code FAILED}
   */
  public static String llava(String reply) {
    String answer;
    if (LLAVA_OPTIONS.contains(reply)) {
      answer = reply;
    } else if (reply.length() >= 3
        && LLAVA_OPTIONS.contains(reply.substring(0, 1))
        && reply.startsWith(". ", 1)) {
      answer = reply.substring(0, 1);
    } else {
      Matcher m = THE_ANSWER_IS.matcher(reply);
      String found = null;
      int count = 0;
      while (m.find()) {
        count++;
        found = m.group(1);
      }
      answer = count == 1 ? found : "FAILED";
    }
    return answer;
  }

  /** Whether LLaVA's {@code get_pred_idx} maps {@code answer} to option {@code index}. */
  public static boolean llavaCorrect(String answer, int optionCount, int answerIndex) {
    int idx = LLAVA_OPTIONS.subList(0, Math.min(optionCount, 5)).indexOf(answer);
    return idx >= 0 && idx == answerIndex;
  }

  /** The letter of option {@code i}: A, B, ... */
  public static String letter(int i) {
    return String.valueOf((char) ('A' + i));
  }

  private static int letterIndex(String s, int count) {
    for (int i = 0; i < count; i++) {
      if (letter(i).equals(s)) {
        return i;
      }
    }
    return -1;
  }

  /** Python's {@code str.strip()}: white space as Python defines it, at both ends. */
  static String pythonStrip(String s) {
    int begin = 0;
    int end = s.length();
    while (begin < end && isPythonSpace(s.charAt(begin))) {
      begin++;
    }
    while (end > begin && isPythonSpace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(begin, end);
  }

  private static boolean isPythonSpace(char c) {
    return Character.isWhitespace(c)
        || Character.isSpaceChar(c)
        || (c >= 0x1c && c <= 0x1f)
        || c == 0x85;
  }
}
