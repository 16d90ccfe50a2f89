package io.vleval.tasks.vqa;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * The VQA accuracy of one prediction against its human answers, as each reference scorer computes
 * it: {@code acc = mean over the n answers i of min(1, #{j != i : answer_j == prediction} / 3)}
 * (the average over the n subsets of n - 1 answers of "at least three agree"; n = 10 in VQAv2,
 * TextVQA and VizWiz), after the scorer's normalisation ({@link AnswerNormalizer}). The variants
 * differ only in what they normalise and when:
 *
 * <ul>
 *   <li>{@link #VQA_2016} ({@code vqa-2016}, GT-Vision-Lab/VQA {@code vqaEval.py} of 2017, v2.0):
 *       the prediction is always fully normalised; the human answers are not cleaned, and only when
 *       they are not all identical they get the punctuation step alone (no lower case, no number
 *       words, no articles). So {@code two} against ten {@code two} scores 0.
 *   <li>{@link #VQA_2021} ({@code vqa-2021}, the same file after "Fixed processing answers bug",
 *       2021-03-11): answers and prediction are whitespace-cleaned; when the answers are not all
 *       identical both get the full normalisation, and when all ten agree neither does, so {@code
 *       Yes} or {@code yes.} against ten {@code yes} scores 0.
 *   <li>{@link #M4C} ({@code m4c}: {@code TextVQAAccuracyEvaluator} of LLaVA's {@code
 *       m4c_evaluator.py} and InternVL's {@code textvqa_eval.py}): prediction and every answer
 *       through {@code EvalAIAnswerProcessor}, always.
 *   <li>{@link #VIZWIZ} ({@code vizwiz}, VizWiz's {@code VQAEval}): the prediction fully normalised
 *       with VizWiz's table, the answers compared as written.
 *   <li>{@link #EVALAI_VQA_2021} and {@link #EVALAI_VIZWIZ}: LLaVA's submission scripts, which pass
 *       the prediction through {@code EvalAIAnswerProcessor} before the server scores it with
 *       {@code vqa-2021} (VQAv2) or {@code vizwiz} (VizWiz).
 * </ul>
 */
public enum VqaScorer {
  VQA_2016("vqa-2016"),
  VQA_2021("vqa-2021"),
  M4C("m4c"),
  VIZWIZ("vizwiz"),
  EVALAI_VQA_2021("evalai+vqa-2021"),
  EVALAI_VIZWIZ("evalai+vizwiz");

  private final String id;

  VqaScorer(String id) {
    this.id = id;
  }

  /** The variant's name in fixtures and results. */
  public String id() {
    return id;
  }

  /** The variant with this name; {@link IllegalArgumentException} listing the names otherwise. */
  public static VqaScorer byId(String id) {
    for (VqaScorer s : values()) {
      if (s.id.equals(id)) {
        return s;
      }
    }
    List<String> ids = new ArrayList<>();
    for (VqaScorer s : values()) {
      ids.add(s.id);
    }
    throw new IllegalArgumentException(
        String.format(Locale.ROOT, "unknown VQA scorer '%s'; known: %s", id, ids));
  }

  /** The accuracy in [0, 1] of {@code prediction} against {@code answers} (not empty). */
  public double score(String prediction, List<String> answers) {
    if (answers.isEmpty()) {
      throw new IllegalArgumentException("no answers to score against");
    }
    return switch (this) {
      case VQA_2016 -> vqa2016(prediction, answers);
      case VQA_2021 -> vqa2021(prediction, answers);
      case M4C -> m4c(prediction, answers);
      case VIZWIZ -> vizwiz(prediction, answers);
      case EVALAI_VQA_2021 -> vqa2021(AnswerNormalizer.EVALAI.normalize(prediction), answers);
      case EVALAI_VIZWIZ -> vizwiz(AnswerNormalizer.EVALAI.normalize(prediction), answers);
    };
  }

  private static double vqa2016(String prediction, List<String> answers) {
    String res = AnswerNormalizer.VQA_API.normalize(prediction);
    List<String> gts = answers;
    if (new HashSet<>(answers).size() > 1) {
      gts = new ArrayList<>();
      for (String a : answers) {
        gts.add(AnswerNormalizer.VQA_API.punctuation(a));
      }
    }
    return leaveOneOut(res, gts);
  }

  private static double vqa2021(String prediction, List<String> answers) {
    List<String> gts = new ArrayList<>();
    for (String a : answers) {
      gts.add(AnswerNormalizer.cleanWhitespace(a));
    }
    String res = AnswerNormalizer.cleanWhitespace(prediction);
    if (new HashSet<>(gts).size() > 1) {
      List<String> processed = new ArrayList<>();
      for (String a : gts) {
        processed.add(
            AnswerNormalizer.VQA_API.digitArticle(AnswerNormalizer.VQA_API.punctuation(a)));
      }
      gts = processed;
      res = AnswerNormalizer.VQA_API.digitArticle(AnswerNormalizer.VQA_API.punctuation(res));
    }
    return leaveOneOut(res, gts);
  }

  private static double m4c(String prediction, List<String> answers) {
    List<String> gts = new ArrayList<>();
    for (String a : answers) {
      gts.add(AnswerNormalizer.EVALAI.normalize(a));
    }
    return leaveOneOut(AnswerNormalizer.EVALAI.normalize(prediction), gts);
  }

  private static double vizwiz(String prediction, List<String> answers) {
    return leaveOneOut(AnswerNormalizer.VIZWIZ.normalize(prediction), answers);
  }

  /** Mean over i of min(1, #{j != i : gts_j == res} / 3). */
  static double leaveOneOut(String res, List<String> gts) {
    int matches = 0;
    for (String g : gts) {
      if (g.equals(res)) {
        matches++;
      }
    }
    double sum = 0;
    for (String g : gts) {
      int others = g.equals(res) ? matches - 1 : matches;
      sum += Math.min(1.0, others / 3.0);
    }
    return sum / gts.size();
  }
}
