package io.vleval.tasks.mme;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How MME reads a reply. {@link #parse} is {@code calculation.py}'s {@code parse_pred_ans} on the
 * lower-cased reply: exactly {@code yes} or {@code no}, else {@code yes} when its first four
 * characters contain "yes", else {@code no} when they contain "no", else {@code other} (always
 * wrong). {@link #internVlPostProcess} is what InternVL's {@code eval/mme/eval.py} does to a reply
 * before writing it for {@code calculation.py}.
 */
public final class MmeAnswers {
  private MmeAnswers() {}

  /** A reply read as yes, no or neither. */
  public enum Reading {
    YES,
    NO,
    OTHER
  }

  private static final Pattern CJK = Pattern.compile("[\\x{4e00}-\\x{9fa5}]");

  /**
   * InternVL's {@code post_processing}: drop line breaks; 不是 becomes No, 是 Yes, 否 No; lower-case;
   * {@code true} becomes {@code yes} and {@code false} {@code no}; remove the remaining CJK
   * ideographs (U+4E00 to U+9FA5).
   */
  public static String internVlPostProcess(String reply) {
    String r = reply.replace("\n", "").replace("不是", "No").replace("是", "Yes").replace("否", "No");
    r = pythonLower(r).replace("true", "yes").replace("false", "no");
    return CJK.matcher(r).replaceAll("");
  }

  /**
   * {@code parse_pred_ans(pred_ans.lower())}, where {@code calculation.py}'s {@code pred_ans} is
   * the rest of the result line after the third tab, its line break included: a reply read from a
   * result file ends with "\n", which only matters for the exact comparison (a bare "yes" is read
   * as yes either way).
   */
  public static Reading parse(String reply) {
    String pred = pythonLower(reply);
    if (pred.equals("yes")) {
      return Reading.YES;
    }
    if (pred.equals("no")) {
      return Reading.NO;
    }
    String prefix = prefix(pred, 4);
    if (prefix.contains("yes")) {
      return Reading.YES;
    }
    if (prefix.contains("no")) {
      return Reading.NO;
    }
    return Reading.OTHER;
  }

  /** Reads a ground-truth answer ({@code Yes}/{@code No} in any case); null when it is neither. */
  public static Reading label(String answer) {
    String a = pythonLower(answer);
    return a.equals("yes") ? Reading.YES : a.equals("no") ? Reading.NO : null;
  }

  /** Python's {@code s[:n]}: the first {@code n} code points. */
  static String prefix(String s, int n) {
    int count = s.codePointCount(0, s.length());
    return count <= n ? s : s.substring(0, s.offsetByCodePoints(0, n));
  }

  /**
   * Python's {@code str.lower()} for the replies MME sees: Java's root-locale lower case, which
   * agrees with it except for a few special casings (the dotted capital I) that no yes/no reading
   * depends on.
   */
  static String pythonLower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
