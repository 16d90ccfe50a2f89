package io.vleval.tasks.pope;

/**
 * How POPE reads a reply as yes or no: its {@code evaluate.py}, which InternVL's (and LLaVA's)
 * {@code eval/pope/eval_pope.py} repeat line for line. Only the text before the first {@code '.'}
 * counts; commas are removed; the rest is split at single spaces; the reply is "no" when one of the
 * pieces is exactly {@code No}, {@code not} or {@code no}, and "yes" otherwise (so an empty reply,
 * "NO" or "Nope" are read as yes).
 */
public final class PopeAnswers {
  private PopeAnswers() {}

  /** Whether POPE reads {@code reply} as "yes". */
  public static boolean saysYes(String reply) {
    String text = reply;
    int dot = text.indexOf('.');
    if (dot != -1) {
      text = text.substring(0, dot);
    }
    text = text.replace(",", "");
    int start = 0;
    while (true) {
      int space = text.indexOf(' ', start);
      String word = space == -1 ? text.substring(start) : text.substring(start, space);
      if (word.equals("No") || word.equals("not") || word.equals("no")) {
        return false;
      }
      if (space == -1) {
        return true;
      }
      start = space + 1;
    }
  }

  /** How POPE reads a label: {@code "no"} is negative, anything else positive. */
  public static boolean labelIsYes(String label) {
    return !label.equals("no");
  }
}
