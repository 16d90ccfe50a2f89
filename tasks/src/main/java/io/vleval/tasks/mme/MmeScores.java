package io.vleval.tasks.mme;

import io.vleval.api.result.ConfidenceInterval;
import io.vleval.api.result.MetricValue;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.bootstrap.Bootstrap;
import io.vleval.tasks.mme.MmeAnswers.Reading;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MME's scores as its {@code eval_tool/calculation.py} computes them (InternVL's copy differs only
 * in skipping malformed result lines). Per subtask: {@code acc} = questions whose reading equals
 * the answer / questions (an "other" reading is wrong), {@code acc+} = images with both questions
 * right / images, and the subtask score {@code 100 acc + 100 acc+}. {@code perception} is the sum
 * of the ten perception subtasks' scores (existence, count, position, color, posters, celebrity,
 * scene, landmark, artwork, OCR; at most 2000) and {@code cognition} of the four cognition
 * subtasks' (commonsense_reasoning, numerical_calculation, text_translation, code_reasoning; at
 * most 800); {@code total} is their sum, the headline. A subtask absent from the data adds nothing
 * to its sum (the reference would stop on its missing file). Subtasks outside MME's fourteen are
 * scored on their own and added to neither sum.
 *
 * <p>Images are the resampling unit of the intervals: an image and its questions are drawn
 * together.
 */
public final class MmeScores {
  private MmeScores() {}

  /** MME's perception subtasks, in {@code calculation.py}'s order. */
  public static final List<String> PERCEPTION =
      List.of(
          "existence",
          "count",
          "position",
          "color",
          "posters",
          "celebrity",
          "scene",
          "landmark",
          "artwork",
          "OCR");

  /** MME's cognition subtasks, in {@code calculation.py}'s order. */
  public static final List<String> COGNITION =
      List.of(
          "commonsense_reasoning", "numerical_calculation", "text_translation", "code_reasoning");

  /** One answered question of an image of a subtask. */
  public record Item(String subtask, String image, Reading answer, Reading prediction) {}

  /** The images of the data: each subtask's questions grouped by image, in order of appearance. */
  private record Image(int subtask, int correct, int questions) {}

  /** The subtasks in report order: perception, cognition, then others in order of appearance. */
  public static List<String> subtasks(List<Item> items) {
    List<String> order = new ArrayList<>();
    for (String s : PERCEPTION) {
      if (items.stream().anyMatch(i -> i.subtask().equals(s))) {
        order.add(s);
      }
    }
    for (String s : COGNITION) {
      if (items.stream().anyMatch(i -> i.subtask().equals(s))) {
        order.add(s);
      }
    }
    for (Item i : items) {
      if (!order.contains(i.subtask())) {
        order.add(i.subtask());
      }
    }
    return order;
  }

  /**
   * The scores: {@code total}, {@code perception} and {@code cognition} (each only when the data
   * holds one of its subtasks), then per subtask {@code <subtask>/score}, {@code <subtask>/acc},
   * {@code <subtask>/acc_plus}, {@code <subtask>/other} (replies read as neither yes nor no).
   * Values are in the reference's units: acc and acc+ as fractions, scores in points (100 acc + 100
   * acc+).
   */
  public static ScoreTable score(List<Item> items, Optional<Bootstrap> bootstrap) {
    List<String> subtasks = subtasks(items);
    Map<String, Image> images = new LinkedHashMap<>();
    Map<String, int[]> tally = new LinkedHashMap<>();
    for (Item it : items) {
      String key = it.subtask() + "\u0000" + it.image();
      int[] t = tally.computeIfAbsent(key, k -> new int[3]);
      t[0] = subtasks.indexOf(it.subtask());
      t[1] += it.prediction() == it.answer() ? 1 : 0;
      t[2]++;
    }
    tally.forEach((k, t) -> images.put(k, new Image(t[0], t[1], t[2])));
    List<Image> units = List.copyOf(images.values());
    int[] otherPerImage = new int[units.size()];
    int u = 0;
    Map<String, Integer> unitOf = new LinkedHashMap<>();
    for (String k : images.keySet()) {
      unitOf.put(k, u++);
    }
    for (Item it : items) {
      if (it.prediction() == Reading.OTHER) {
        otherPerImage[unitOf.get(it.subtask() + "\u0000" + it.image())]++;
      }
    }
    // a sum over none of its subtasks would read as a score of 0: it is left out
    boolean perception = subtasks.stream().anyMatch(PERCEPTION::contains);
    boolean cognition = subtasks.stream().anyMatch(COGNITION::contains);
    List<String> names = new ArrayList<>(List.of("total", "perception", "cognition"));
    for (String s : subtasks) {
      names.add(s + "/score");
      names.add(s + "/acc");
      names.add(s + "/acc_plus");
      names.add(s + "/other");
    }
    int[] all = new int[units.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    double[] values = compute(units, otherPerImage, subtasks, all);
    ConfidenceInterval[] intervals =
        bootstrap
            .map(b -> b.intervals(units.size(), r -> compute(units, otherPerImage, subtasks, r)))
            .orElse(null);
    List<MetricValue> metrics = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      if (i == 1 && !perception || i == 2 && !cognition) {
        continue;
      }
      metrics.add(
          ScoreTable.metric(names.get(i), values[i], intervals == null ? null : intervals[i]));
    }
    return new ScoreTable("mme", "image", units.size(), metrics);
  }

  private static double[] compute(
      List<Image> images, int[] otherPerImage, List<String> subtasks, int[] units) {
    int n = subtasks.size();
    long[] correct = new long[n];
    long[] questions = new long[n];
    long[] bothRight = new long[n];
    long[] imageCount = new long[n];
    long[] other = new long[n];
    for (int u : units) {
      Image im = images.get(u);
      correct[im.subtask()] += im.correct();
      questions[im.subtask()] += im.questions();
      bothRight[im.subtask()] += im.correct() == 2 ? 1 : 0;
      imageCount[im.subtask()]++;
      other[im.subtask()] += otherPerImage[u];
    }
    double[] out = new double[3 + 4 * n];
    double perception = 0;
    double cognition = 0;
    for (int s = 0; s < n; s++) {
      double acc = questions[s] == 0 ? Double.NaN : (double) correct[s] / questions[s];
      double accPlus = imageCount[s] == 0 ? Double.NaN : (double) bothRight[s] / imageCount[s];
      double score = acc * 100 + accPlus * 100;
      out[3 + 4 * s] = score;
      out[4 + 4 * s] = acc;
      out[5 + 4 * s] = accPlus;
      out[6 + 4 * s] = other[s];
      String name = subtasks.get(s);
      if (PERCEPTION.contains(name)) {
        perception += score;
      } else if (COGNITION.contains(name)) {
        cognition += score;
      }
    }
    out[0] = perception + cognition;
    out[1] = perception;
    out[2] = cognition;
    return out;
  }
}
