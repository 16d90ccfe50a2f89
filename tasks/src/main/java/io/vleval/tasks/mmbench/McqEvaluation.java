package io.vleval.tasks.mmbench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MMBench evaluation with VLMEvalKit's {@code exact_matching} judge: {@code mcq_circular_eval} and
 * {@code mcq_vanilla_eval} as {@code ImageMCQDataset.evaluate} runs them.
 *
 * <ul>
 *   <li>Circular: rows are sorted by index; rows whose index is not in the answer key are dropped;
 *       each row with {@code index < 1e6} (a "main" row) opens the group of rows with the same
 *       {@code index mod 1e6}. Walking the group in index order, a row whose extracted answer
 *       ({@link AnswerExtractor#canInfer}) differs from its key fails the group at once (also
 *       {@code Z}); if all rows extracted their key the group hits; if some row extracted nothing
 *       the group fails (exact matching has no LLM fallback). Accuracy = mean of group hits.
 *   <li>Vanilla: every row scores 1 if its extracted answer (or {@code Z} when nothing is
 *       extracted) equals its key.
 * </ul>
 *
 * Reproduces the {@code circular_groups} and {@code vanilla_rows} of {@code
 * fixtures/metrics/mmbench.json}.
 */
public final class McqEvaluation {

  private static final long CIRCULAR_STRIDE = 1_000_000L;

  private McqEvaluation() {}

  /**
   * The result of an evaluation: one outcome per scored unit and the rows the report is computed
   * over.
   */
  public record Result(List<GroupResult> outcomes, List<McqItem> reportRows) {

    /** Hits aligned with {@link #reportRows()}. */
    public int[] hits() {
      return outcomes.stream().mapToInt(GroupResult::hit).toArray();
    }
  }

  /**
   * Circular evaluation.
   *
   * @param rows prediction rows (any order)
   * @param answers the answer key: row index to correct letter, from the dataset
   */
  public static Result circular(List<McqItem> rows, Map<Long, String> answers) {
    List<McqItem> sorted = sortedKnown(rows, answers);
    Map<Long, List<McqItem>> groups = new LinkedHashMap<>();
    for (McqItem row : sorted) {
      groups.computeIfAbsent(row.groupIndex(), g -> new ArrayList<>()).add(row);
    }
    List<GroupResult> outcomes = new ArrayList<>();
    List<McqItem> mains = new ArrayList<>();
    for (McqItem main : sorted) {
      if (main.index() >= CIRCULAR_STRIDE || main.index() < 0) {
        continue;
      }
      mains.add(main);
      outcomes.add(evaluateGroup(main.index(), groups.get(main.index()), answers));
    }
    return new Result(outcomes, mains);
  }

  /** Vanilla (per-row) evaluation over all rows that are in the answer key, in index order. */
  public static Result vanilla(List<McqItem> rows, Map<Long, String> answers) {
    List<McqItem> sorted = sortedKnown(rows, answers);
    List<GroupResult> outcomes = new ArrayList<>();
    for (McqItem row : sorted) {
      Optional<String> extracted = AnswerExtractor.canInfer(row.prediction(), row.choices());
      String option = extracted.orElse("Z");
      String log =
          extracted.isPresent()
              ? row.prediction()
              : "Failed in Prefetch, no GPT-based answer matching under `exact_matching` policy.";
      int hit = option.equals(answers.get(row.index())) ? 1 : 0;
      outcomes.add(new GroupResult(row.index(), hit, "Match Log: " + log + ". "));
    }
    return new Result(outcomes, sorted);
  }

  private static GroupResult evaluateGroup(
      long groupIndex, List<McqItem> group, Map<Long, String> answers) {
    boolean allMatched = true;
    for (int i = 0; i < group.size(); i++) {
      McqItem row = group.get(i);
      String truth = answers.get(row.index());
      Optional<String> extracted = AnswerExtractor.canInfer(row.prediction(), row.choices());
      if (extracted.isPresent() && !extracted.get().equals(truth)) {
        return new GroupResult(
            groupIndex,
            0,
            "Failed in Prefetching Rolling "
                + i
                + ": Answer is "
                + truth
                + ", Prediction is "
                + row.prediction()
                + ", Pre-fetched is "
                + extracted.get()
                + ". ");
      }
      if (extracted.isEmpty()) {
        allMatched = false;
      }
    }
    return allMatched
        ? new GroupResult(groupIndex, 1, "Succeed During Pre-fetching")
        : new GroupResult(
            groupIndex,
            0,
            "Failed in Prefetch, no GPT-based answer matching under `exact_matching` policy.");
  }

  private static List<McqItem> sortedKnown(List<McqItem> rows, Map<Long, String> answers) {
    return rows.stream()
        .filter(r -> answers.containsKey(r.index()))
        .sorted(Comparator.comparingLong(McqItem::index))
        .toList();
  }
}
