package io.vleval.tasks.captioning;

import edu.stanford.nlp.ling.CoreLabel;
import edu.stanford.nlp.process.CoreLabelTokenFactory;
import edu.stanford.nlp.process.PTBTokenizer;
import io.vleval.tasks.metrics.text.PythonText;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * coco-caption's caption tokenizer: Stanford CoreNLP 3.4.1's {@code PTBTokenizer} command line with
 * {@code -preserveLines -lowerCase}, followed by coco-caption's removal of punctuation tokens.
 *
 * <p>{@code pycocoevalcap/tokenizer/ptbtokenizer.py} tokenizes a whole call at once (COCOEvalCap
 * makes two: every reference caption, then every prediction, images in the order of the ground
 * truth): it replaces newlines inside each caption by spaces, joins the captions with {@code '\n'}
 * (so the last one has no line end after it), writes them to one file and runs the command line on
 * it; output line {@code i} is caption {@code i}. What the lexer makes of a caption can depend on
 * its neighbours: an emoticon needs a character after it ({@code "a dog :)"} is {@code :-rrb-}
 * inside a call but {@code : -rrb-} at its very end), and a few rules look past the line end
 * ({@code "etc."} before a capitalised next line is followed by a sentence-final period). {@link
 * #tokenizeCall} therefore lexes the call's text as the reference file, in one pass with the
 * command line's options ({@code tokenizeNLs}, tokens lower-cased with {@link Locale#ENGLISH}), and
 * gives each token to the caption its first character comes from. Each caption's tokens are then
 * joined by spaces and filtered as the reference does: {@code ' '.join(w for w in
 * line.rstrip().split(' ') if w not in PUNCTUATIONS)} with {@code PUNCTUATIONS = '' ' `` ` -LRB-
 * -RRB- -LCB- -RCB- . ? ! , : - -- ... ;}. Since removal follows lower-casing, brackets survive as
 * {@code -lrb-}/{@code -rrb-}, exactly as in the reference. Characters the lexer cannot tokenize
 * (emoji) are dropped, as the command line drops them.
 *
 * <p>One departure: a caption holding a character that CoreNLP reads as a line break ({@code \r},
 * vertical tab, form feed, U+2028, U+2029) becomes several lines in the reference and shifts every
 * later caption of the call onto the wrong image; here its tokens stay together on its own line.
 *
 * <p>Checked against the command line itself on tricky captions (emoticons, URLs, times, quotes,
 * brackets, ellipses, non-ASCII, several sentences, each alone, between neighbours and in long
 * calls): {@code src/test/resources/ptb/ptb_cli_reference.json}, made by {@code
 * src/test/fixture-gen/ptb_cli_reference.py}.
 */
public final class PtbTokenizer {

  private static final Set<String> PUNCTUATIONS =
      Set.of(
          "''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-", ".", "?", "!", ",", ":", "-",
          "--", "...", ";");

  /**
   * The command line's options under {@code -preserveLines}; untokenizable characters are deleted
   * without logging (the command line logs the first one and deletes them all).
   */
  private static final String OPTIONS = "tokenizeNLs,untokenizable=noneDelete";

  private PtbTokenizer() {}

  /**
   * Tokenizes one caption followed by a line end, as the reference does for a caption inside a call
   * whose next line is empty. Scores use {@link #tokenizeCall}, since the reference's tokens for a
   * caption can depend on its place in the call.
   */
  public static String tokenize(String caption) {
    return tokenizeCall(List.of(caption, "")).get(0);
  }

  /**
   * Tokenizes the captions of one reference call (one caption per line, in this order), returning
   * the tokenized captions in the same order.
   */
  public static List<String> tokenizeCall(List<String> captions) {
    int n = captions.size();
    if (n == 0) {
      return List.of();
    }
    StringBuilder text = new StringBuilder();
    int[] starts = new int[n];
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        text.append('\n');
      }
      starts[i] = text.length();
      text.append(captions.get(i).replace('\n', ' '));
    }
    List<StringBuilder> lines = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      lines.add(new StringBuilder());
    }
    String newline = PTBTokenizer.getNewlineToken();
    PTBTokenizer<CoreLabel> tokenizer =
        new PTBTokenizer<>(new StringReader(text.toString()), new CoreLabelTokenFactory(), OPTIONS);
    while (tokenizer.hasNext()) {
      CoreLabel token = tokenizer.next();
      String word = token.word();
      if (word.equals(newline)) {
        // a caption boundary, or a line break inside a caption (kept on the caption's line)
        continue;
      }
      int at = Arrays.binarySearch(starts, token.beginPosition());
      int line = at >= 0 ? at : -at - 2;
      StringBuilder out = lines.get(line);
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(word.toLowerCase(Locale.ENGLISH));
    }
    List<String> tokenized = new ArrayList<>(n);
    for (StringBuilder line : lines) {
      tokenized.add(removePunctuation(line));
    }
    return tokenized;
  }

  /** {@code ' '.join(w for w in line.rstrip().split(' ') if w not in PUNCTUATIONS)}. */
  private static String removePunctuation(CharSequence line) {
    int end = line.length();
    while (end > 0 && PythonText.isSpace(line.charAt(end - 1))) {
      end--;
    }
    StringBuilder out = new StringBuilder(end);
    boolean first = true;
    for (String word : PythonText.splitSpace(line.subSequence(0, end).toString())) {
      if (!PUNCTUATIONS.contains(word)) {
        if (!first) {
          out.append(' ');
        }
        out.append(word);
        first = false;
      }
    }
    return out.toString();
  }

  /**
   * Tokenizes every caption of every sample as COCOEvalCap does: one call with all reference
   * captions (sample by sample, in order), one with all predictions; the two run concurrently.
   */
  public static List<CaptionSample> tokenizeAll(List<CaptionSample> samples) {
    List<String> references = new ArrayList<>();
    List<String> predictions = new ArrayList<>(samples.size());
    for (CaptionSample s : samples) {
      references.addAll(s.references());
      predictions.add(s.prediction());
    }
    List<List<String>> calls =
        List.of(references, predictions).parallelStream().map(PtbTokenizer::tokenizeCall).toList();
    List<String> refs = calls.get(0);
    List<String> preds = calls.get(1);
    List<CaptionSample> out = new ArrayList<>(samples.size());
    int r = 0;
    for (int i = 0; i < samples.size(); i++) {
      CaptionSample s = samples.get(i);
      int k = s.references().size();
      out.add(new CaptionSample(s.imageId(), refs.subList(r, r + k), preds.get(i)));
      r += k;
    }
    return out;
  }
}
