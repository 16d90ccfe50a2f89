package io.vleval.tasks.scienceqa;

import io.vleval.api.result.ConfidenceInterval;
import io.vleval.api.result.MetricValue;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.bootstrap.Bootstrap;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * ScienceQA's accuracy, as fractions: {@code accuracy} over every question (the headline;
 * InternVL's {@code Acc@1}, LLaVA's {@code Accuracy}), then the breakdown of ScienceQA's own {@code
 * get_scores}: by subject ({@code NAT} natural, {@code SOC} social, {@code LAN} language science),
 * by context ({@code TXT} a text context, {@code IMG} an image, {@code NO} neither) and by grade
 * ({@code G1-6}, {@code G7-12}). A group with no question is left out. Intervals resample
 * questions.
 */
public final class ScienceQaScores {
  private ScienceQaScores() {}

  /**
   * One scored question.
   *
   * @param subject ScienceQA's {@code subject}: natural science, social science, language science
   * @param hasText whether its context ({@code hint}) is non-empty
   * @param hasImage whether it has an image
   * @param grade ScienceQA's {@code grade}, {@code grade1} to {@code grade12}
   */
  public record Item(
      boolean correct, String subject, boolean hasText, boolean hasImage, String grade) {}

  private record Group(String name, Predicate<Item> member) {}

  private static final List<Group> GROUPS =
      List.of(
          new Group("NAT", i -> "natural science".equals(i.subject())),
          new Group("SOC", i -> "social science".equals(i.subject())),
          new Group("LAN", i -> "language science".equals(i.subject())),
          new Group("TXT", Item::hasText),
          new Group("IMG", Item::hasImage),
          new Group("NO", i -> !i.hasText() && !i.hasImage()),
          new Group("G1-6", i -> gradeNumber(i.grade()) >= 1 && gradeNumber(i.grade()) <= 6),
          new Group("G7-12", i -> gradeNumber(i.grade()) >= 7 && gradeNumber(i.grade()) <= 12));

  static int gradeNumber(String grade) {
    if (grade == null || !grade.startsWith("grade")) {
      return -1;
    }
    try {
      return Integer.parseInt(grade.substring(5));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** How many items belong to the named group ({@code NAT}, {@code TXT}, {@code G1-6}...). */
  public static long groupCount(List<Item> items, String group) {
    Group g = GROUPS.stream().filter(x -> x.name().equals(group)).findFirst().orElseThrow();
    return items.stream().filter(g.member()).count();
  }

  /** {@code accuracy}, then each non-empty group. */
  public static ScoreTable score(List<Item> items, Optional<Bootstrap> bootstrap) {
    List<Group> groups = new ArrayList<>();
    for (Group g : GROUPS) {
      if (items.stream().anyMatch(g.member())) {
        groups.add(g);
      }
    }
    boolean[][] member = new boolean[groups.size()][items.size()];
    for (int g = 0; g < groups.size(); g++) {
      for (int i = 0; i < items.size(); i++) {
        member[g][i] = groups.get(g).member().test(items.get(i));
      }
    }
    int[] all = new int[items.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    double[] values = compute(items, member, all);
    ConfidenceInterval[] intervals =
        bootstrap.map(b -> b.intervals(items.size(), u -> compute(items, member, u))).orElse(null);
    List<MetricValue> metrics = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      String name = i == 0 ? "accuracy" : groups.get(i - 1).name();
      metrics.add(ScoreTable.metric(name, values[i], intervals == null ? null : intervals[i]));
    }
    return new ScoreTable("scienceqa", "question", items.size(), metrics);
  }

  private static double[] compute(List<Item> items, boolean[][] member, int[] units) {
    double[] out = new double[1 + member.length];
    long[] right = new long[out.length];
    long[] count = new long[out.length];
    for (int u : units) {
      boolean c = items.get(u).correct();
      right[0] += c ? 1 : 0;
      count[0]++;
      for (int g = 0; g < member.length; g++) {
        if (member[g][u]) {
          right[g + 1] += c ? 1 : 0;
          count[g + 1]++;
        }
      }
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = count[i] == 0 ? Double.NaN : (double) right[i] / count[i];
    }
    return out;
  }
}
