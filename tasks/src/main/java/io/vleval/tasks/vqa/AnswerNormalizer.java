package io.vleval.tasks.vqa;

import io.vleval.tasks.metrics.text.PythonText;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The answer normalisation of the VQA family's scorers, each as its code does it, quirks included.
 *
 * <ul>
 *   <li>{@link #VQA_API}: the VQA evaluation API's {@code vqaEval.py} ({@code processPunctuation}
 *       then {@code processDigitArticle}), written for Python 2, where {@code \d} is ASCII;
 *   <li>{@link #EVALAI}: {@code EvalAIAnswerProcessor} (LLaVA's {@code m4c_evaluator.py}, copied
 *       unchanged into InternVL's {@code textvqa_eval.py}): first {@code word_tokenize} (lower
 *       case, commas and question marks removed, {@code 's} split off), then the same two steps
 *       with a comma rule that also matches {@code 1,,2};
 *   <li>{@link #VIZWIZ}: VizWiz's {@code VQAEval} (as vendored in TRI-ML/vlm-evaluation), whose
 *       contraction table spells the apostrophe of most keys and replacements as a backtick ({@code
 *       dont -> don`t}; VizWiz's own download has a typographic apostrophe there), so a
 *       straight-apostrophe answer such as {@code don't} is never produced from {@code dont}.
 * </ul>
 *
 * <p>Shared steps: punctuation {@code ; / [ ] " { } ( ) = + \ _ - > < @ ` , ? !} is removed where
 * it touches a space in the input (or anywhere when the input has a digit-comma-digit), else
 * replaced by a space; a period not followed by a digit is removed, at most 32 of them (the
 * reference passes {@code re.UNICODE}, 32, as {@code re.sub}'s count); then lower case, Python
 * whitespace split, number words zero to ten as digits ({@code none -> 0}), articles a/an/the
 * dropped, contractions restored, words joined by one space.
 */
public enum AnswerNormalizer {
  VQA_API(Pattern.compile("(\\d)(,)(\\d)"), 0, Contractions.VQA),
  EVALAI(
      Pattern.compile("(?<=\\d)(,)+(?=\\d)", Pattern.UNICODE_CHARACTER_CLASS),
      Pattern.UNICODE_CHARACTER_CLASS,
      Contractions.VQA),
  VIZWIZ(
      Pattern.compile("(\\d)(,)(\\d)", Pattern.UNICODE_CHARACTER_CLASS),
      Pattern.UNICODE_CHARACTER_CLASS,
      Contractions.VIZWIZ);

  private static final List<String> PUNCTUATION =
      List.of(
          ";", "/", "[", "]", "\"", "{", "}", "(", ")", "=", "+", "\\", "_", "-", ">", "<", "@",
          "`", ",", "?", "!");
  private static final Map<String, String> NUMBERS =
      Map.ofEntries(
          Map.entry("none", "0"),
          Map.entry("zero", "0"),
          Map.entry("one", "1"),
          Map.entry("two", "2"),
          Map.entry("three", "3"),
          Map.entry("four", "4"),
          Map.entry("five", "5"),
          Map.entry("six", "6"),
          Map.entry("seven", "7"),
          Map.entry("eight", "8"),
          Map.entry("nine", "9"),
          Map.entry("ten", "10"));
  private static final Set<String> ARTICLES = Set.of("a", "an", "the");
  private static final int PERIOD_COUNT = 32;

  private final Pattern commaStrip;
  private final Pattern periodStrip;
  private final Map<String, String> contractions;

  AnswerNormalizer(Pattern commaStrip, int periodFlags, Map<String, String> contractions) {
    this.commaStrip = commaStrip;
    this.periodStrip = Pattern.compile("(?!<=\\d)(\\.)(?!\\d)", periodFlags);
    this.contractions = contractions;
  }

  /** The scorer's whole normalisation of one answer (after its whitespace clean-up). */
  public String normalize(String answer) {
    String text = answer;
    if (this == EVALAI) {
      text = text.toLowerCase(Locale.ROOT).replace(",", "").replace("?", "").replace("'s", " 's");
      text = strip(text);
    }
    return digitArticle(punctuation(cleanWhitespace(text)));
  }

  /** {@code processPunctuation}. */
  public String punctuation(String in) {
    boolean commaNumber = commaStrip.matcher(in).find();
    String out = in;
    for (String p : PUNCTUATION) {
      if (in.contains(p + " ") || in.contains(" " + p) || commaNumber) {
        out = out.replace(p, "");
      } else {
        out = out.replace(p, " ");
      }
    }
    Matcher m = periodStrip.matcher(out);
    StringBuilder s = new StringBuilder();
    int removed = 0;
    while (removed < PERIOD_COUNT && m.find()) {
      m.appendReplacement(s, "");
      removed++;
    }
    m.appendTail(s);
    return s.toString();
  }

  /** {@code processDigitArticle}. */
  public String digitArticle(String in) {
    StringBuilder out = new StringBuilder();
    for (String word : PythonText.splitWhitespace(in.toLowerCase(Locale.ROOT))) {
      String w = NUMBERS.getOrDefault(word, word);
      if (ARTICLES.contains(w)) {
        continue;
      }
      if (!out.isEmpty()) {
        out.append(' ');
      }
      out.append(contractions.getOrDefault(w, w));
    }
    return out.toString();
  }

  /** {@code replace('\n', ' ').replace('\t', ' ').strip()}, as every scorer first does. */
  public static String cleanWhitespace(String answer) {
    return strip(answer.replace('\n', ' ').replace('\t', ' '));
  }

  /** Python's {@code str.strip()}. */
  public static String strip(String s) {
    int begin = 0;
    int end = s.length();
    while (begin < end && PythonText.isSpace(s.charAt(begin))) {
      begin++;
    }
    while (end > begin && PythonText.isSpace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(begin, end);
  }

  /** The contraction tables. */
  private static final class Contractions {
    private static final char TICK = '`';

    /** The VQA API's table (and EvalAI's, identical). */
    static final Map<String, String> VQA = vqa();

    /**
     * VizWiz's: the VQA table with the apostrophes of keys and replacements spelled as backticks,
     * except the few entries VizWiz left straight.
     */
    static final Map<String, String> VIZWIZ = vizwiz();

    private static Map<String, String> vqa() {
      String[] pairs = {
        "aint",
        "ain't",
        "arent",
        "aren't",
        "cant",
        "can't",
        "couldve",
        "could've",
        "couldnt",
        "couldn't",
        "couldn'tve",
        "couldn't've",
        "couldnt've",
        "couldn't've",
        "didnt",
        "didn't",
        "doesnt",
        "doesn't",
        "dont",
        "don't",
        "hadnt",
        "hadn't",
        "hadnt've",
        "hadn't've",
        "hadn'tve",
        "hadn't've",
        "hasnt",
        "hasn't",
        "havent",
        "haven't",
        "hed",
        "he'd",
        "hed've",
        "he'd've",
        "he'dve",
        "he'd've",
        "hes",
        "he's",
        "howd",
        "how'd",
        "howll",
        "how'll",
        "hows",
        "how's",
        "Id've",
        "I'd've",
        "I'dve",
        "I'd've",
        "Im",
        "I'm",
        "Ive",
        "I've",
        "isnt",
        "isn't",
        "itd",
        "it'd",
        "itd've",
        "it'd've",
        "it'dve",
        "it'd've",
        "itll",
        "it'll",
        "let's",
        "let's",
        "maam",
        "ma'am",
        "mightnt",
        "mightn't",
        "mightnt've",
        "mightn't've",
        "mightn'tve",
        "mightn't've",
        "mightve",
        "might've",
        "mustnt",
        "mustn't",
        "mustve",
        "must've",
        "neednt",
        "needn't",
        "notve",
        "not've",
        "oclock",
        "o'clock",
        "oughtnt",
        "oughtn't",
        "ow's'at",
        "'ow's'at",
        "'ows'at",
        "'ow's'at",
        "'ow'sat",
        "'ow's'at",
        "shant",
        "shan't",
        "shed've",
        "she'd've",
        "she'dve",
        "she'd've",
        "she's",
        "she's",
        "shouldve",
        "should've",
        "shouldnt",
        "shouldn't",
        "shouldnt've",
        "shouldn't've",
        "shouldn'tve",
        "shouldn't've",
        "somebody'd",
        "somebodyd",
        "somebodyd've",
        "somebody'd've",
        "somebody'dve",
        "somebody'd've",
        "somebodyll",
        "somebody'll",
        "somebodys",
        "somebody's",
        "someoned",
        "someone'd",
        "someoned've",
        "someone'd've",
        "someone'dve",
        "someone'd've",
        "someonell",
        "someone'll",
        "someones",
        "someone's",
        "somethingd",
        "something'd",
        "somethingd've",
        "something'd've",
        "something'dve",
        "something'd've",
        "somethingll",
        "something'll",
        "thats",
        "that's",
        "thered",
        "there'd",
        "thered've",
        "there'd've",
        "there'dve",
        "there'd've",
        "therere",
        "there're",
        "theres",
        "there's",
        "theyd",
        "they'd",
        "theyd've",
        "they'd've",
        "they'dve",
        "they'd've",
        "theyll",
        "they'll",
        "theyre",
        "they're",
        "theyve",
        "they've",
        "twas",
        "'twas",
        "wasnt",
        "wasn't",
        "wed've",
        "we'd've",
        "we'dve",
        "we'd've",
        "weve",
        "we've",
        "werent",
        "weren't",
        "whatll",
        "what'll",
        "whatre",
        "what're",
        "whats",
        "what's",
        "whatve",
        "what've",
        "whens",
        "when's",
        "whered",
        "where'd",
        "wheres",
        "where's",
        "whereve",
        "where've",
        "whod",
        "who'd",
        "whod've",
        "who'd've",
        "who'dve",
        "who'd've",
        "wholl",
        "who'll",
        "whos",
        "who's",
        "whove",
        "who've",
        "whyll",
        "why'll",
        "whyre",
        "why're",
        "whys",
        "why's",
        "wont",
        "won't",
        "wouldve",
        "would've",
        "wouldnt",
        "wouldn't",
        "wouldnt've",
        "wouldn't've",
        "wouldn'tve",
        "wouldn't've",
        "yall",
        "y'all",
        "yall'll",
        "y'all'll",
        "y'allll",
        "y'all'll",
        "yall'd've",
        "y'all'd've",
        "y'alld've",
        "y'all'd've",
        "y'all'dve",
        "y'all'd've",
        "youd",
        "you'd",
        "youd've",
        "you'd've",
        "you'dve",
        "you'd've",
        "youll",
        "you'll",
        "youre",
        "you're",
        "youve",
        "you've"
      };
      Map<String, String> map = new HashMap<>();
      for (int i = 0; i < pairs.length; i += 2) {
        map.put(pairs[i], pairs[i + 1]);
      }
      return Map.copyOf(map);
    }

    private static Map<String, String> vizwiz() {
      Set<String> straightKeys = Set.of("couldn'tve", "hadn'tve");
      Set<String> straightValues =
          Set.of("aint", "arent", "cant", "couldve", "couldnt", "weve", "wheres", "whove");
      Map<String, String> map = new HashMap<>();
      for (Map.Entry<String, String> e : vqa().entrySet()) {
        String key =
            straightKeys.contains(e.getKey()) ? e.getKey() : e.getKey().replace('\'', TICK);
        String value =
            straightValues.contains(e.getKey()) ? e.getValue() : e.getValue().replace('\'', TICK);
        map.put(key, value);
      }
      return Map.copyOf(map);
    }
  }
}
