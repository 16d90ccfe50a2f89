package io.vleval.tasks.metrics.captioning;

import edu.stanford.nlp.ling.CoreLabel;
import edu.stanford.nlp.process.CoreLabelTokenFactory;
import edu.stanford.nlp.process.PTBTokenizer;
import java.io.StringReader;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * coco-caption's caption tokenizer: Stanford CoreNLP 3.4.1's {@code PTBTokenizer} with {@code
 * -preserveLines -lowerCase}, followed by coco-caption's removal of punctuation tokens.
 *
 * <p>Steps, as {@code pycocoevalcap/tokenizer/ptbtokenizer.py} does them: newlines inside a caption
 * become spaces; the caption, followed by a line end as in the reference's one-caption-per-line
 * file, is tokenized by CoreNLP's PTB lexer (in-process, one caption at a time; characters the
 * lexer cannot tokenize, such as emoji, are dropped silently); each token is lower-cased with
 * {@link Locale#ENGLISH}; tokens in {@code '' ' `` ` -LRB- -RRB- -LCB- -RCB- . ? ! , : - -- ... ;}
 * are removed. Since removal follows lower-casing, brackets survive as {@code -lrb-}/{@code -rrb-},
 * exactly as in the reference. Output tokens are joined by single spaces. Checked against the
 * {@code tokenized} fields of {@code fixtures/metrics/captioning.json}.
 */
public final class PtbTokenizer {

  private static final Set<String> PUNCTUATIONS =
      Set.of(
          "''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-", ".", "?", "!", ",", ":", "-",
          "--", "...", ";");

  /**
   * Delete untokenizable characters without logging, as the reference's default does (it only
   * logs).
   */
  private static final String OPTIONS = "untokenizable=noneDelete";

  private PtbTokenizer() {}

  /** Tokenizes one caption. */
  public static String tokenize(String caption) {
    // the reference writes one caption per line, so the lexer sees a line end after each caption;
    // some rules
    // (emoticons such as ":)") need that right context and do not fire at end of input
    String line = caption.replace('\n', ' ') + "\n";
    PTBTokenizer<CoreLabel> tokenizer =
        new PTBTokenizer<>(new StringReader(line), new CoreLabelTokenFactory(), OPTIONS);
    StringBuilder out = new StringBuilder(line.length() + 8);
    while (tokenizer.hasNext()) {
      String word = tokenizer.next().word().toLowerCase(Locale.ENGLISH);
      if (!PUNCTUATIONS.contains(word)) {
        if (out.length() > 0) {
          out.append(' ');
        }
        out.append(word);
      }
    }
    return out.toString();
  }

  /** Tokenizes every caption (references and prediction) of every sample, in parallel. */
  public static List<CaptionSample> tokenizeAll(List<CaptionSample> samples) {
    return samples.parallelStream()
        .map(
            s ->
                new CaptionSample(
                    s.imageId(),
                    s.references().stream().map(PtbTokenizer::tokenize).toList(),
                    tokenize(s.prediction())))
        .toList();
  }
}
