package io.vleval.tasks.vqa;

import io.vleval.api.model.GenerationSettings;
import io.vleval.api.sample.VisualQuestion;
import java.util.List;
import java.util.Locale;

/**
 * One VQA-family task's resolved settings: how the prompt is built, how long the reply may be and
 * how it is scored.
 *
 * @param benchmark which benchmark
 * @param protocol {@code llava} or {@code internvl-chat} (see {@link #PROTOCOLS})
 * @param scorer the per-question accuracy (VQAv2, TextVQA, VizWiz); {@code null} for GQA
 * @param gqaMatch GQA's comparison; {@code null} for the others
 * @param instruction the text after the question
 * @param ocrTokens whether TextVQA's OCR tokens go into the prompt
 * @param questionLookup whether answers are looked up by (image id, lower-cased question), the last
 *     annotation winning, as LLaVA's {@code eval_textvqa.py} does
 * @param minNewTokens minimum new tokens
 * @param maxNewTokens maximum new tokens
 * @param resamples bootstrap resamples (0 for none)
 * @param reference whether every setting is the default of the paper's evaluation
 */
public record VqaProtocol(
    Benchmark benchmark,
    String protocol,
    VqaScorer scorer,
    GqaMatch gqaMatch,
    String instruction,
    boolean ocrTokens,
    boolean questionLookup,
    int minNewTokens,
    int maxNewTokens,
    int resamples,
    boolean reference) {

  /** LLaVA's scripts as InternVL-Chat v1.0 ran them for the paper, and evaluate_vqa.py's. */
  public static final List<String> PROTOCOLS = List.of("llava", "internvl-chat");

  static final String SHORT = "Answer the question using a single word or phrase.";
  static final String UNANSWERABLE =
      "When the provided information is insufficient, respond with 'Unanswerable'.";

  /** The default protocol name when a spec names none. */
  static String protocolOrDefault(String protocol) {
    String p = protocol == null ? "llava" : protocol;
    if (!PROTOCOLS.contains(p)) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT, "unknown protocol '%s'; expected one of %s", protocol, PROTOCOLS));
    }
    return p;
  }

  static boolean llava(String protocol) {
    return "llava".equals(protocol);
  }

  /** The instruction the protocol puts after a question of this benchmark. */
  static String defaultInstruction(Benchmark benchmark, String protocol) {
    if (benchmark == Benchmark.VIZWIZ) {
      return UNANSWERABLE + (llava(protocol) ? "\n" : " ") + SHORT;
    }
    return SHORT;
  }

  static int defaultMaxNewTokens(String protocol) {
    return llava(protocol) ? 128 : 10;
  }

  static VqaScorer defaultScorer(Benchmark benchmark, String protocol) {
    if (!llava(protocol)) {
      return VqaScorer.M4C;
    }
    return switch (benchmark) {
      case VQAV2 -> VqaScorer.EVALAI_VQA_2021;
      case VIZWIZ -> VqaScorer.EVALAI_VIZWIZ;
      default -> VqaScorer.M4C;
    };
  }

  /**
   * The prompt: the question, then (TextVQA with OCR tokens, when the image has any) {@code
   * "\nReference OCR token: "} and the tokens joined by {@code ", "}, then the instruction after a
   * line break ({@code llava}: LLaVA's question files) or a space ({@code internvl-chat}: {@code
   * question + ' ' + prompt}).
   */
  public String prompt(VisualQuestion q) {
    StringBuilder s = new StringBuilder(q.question());
    String tokens = q.attributes().get(Benchmark.OCR_TOKENS);
    if (ocrTokens && tokens != null && !tokens.isEmpty()) {
      s.append("\nReference OCR token: ").append(tokens);
    }
    if (!instruction.isEmpty()) {
      s.append(llava(protocol) ? '\n' : ' ').append(instruction);
    }
    return s.toString();
  }

  /** Greedy decoding within the protocol's bounds. */
  public GenerationSettings generation() {
    return new GenerationSettings(1, minNewTokens, maxNewTokens, 1.0);
  }

  /** What the results record as the task's protocol. */
  public String label() {
    if (reference) {
      return "reference";
    }
    String scoring = scorer != null ? scorer.id() : gqaMatch.id();
    return protocol + ", scorer " + scoring;
  }

  /** Accuracy of one prediction against its answers, per this protocol's scorer. */
  public double score(String prediction, List<String> answers) {
    if (benchmark == Benchmark.GQA) {
      return gqaMatch.score(prediction, answers.get(0));
    }
    return scorer.score(prediction, answers);
  }
}
