package io.vleval.datasets.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A multiple-choice question about a drawn scene, in the suite's question grammar: the colour of a
 * shape ("What colour is the [large|small] SHAPE?"), the shape of a colour ("What shape is the
 * COLOUR object?") or the number of shapes ("How many shapes are in the image?"), with the MMBench
 * categories it belongs to and every answer it could be confused with. Both MMBench parts ask their
 * questions with it: {@code mmbench/} one question about each of its own scenes, {@code
 * mmbench-train/} every clear question about the training images.
 *
 * @param text the question
 * @param category MMBench's category
 * @param l2Category MMBench's second-level category
 * @param correct the right answer
 * @param universe every answer of the question's kind, in a fixed order (the options are drawn from
 *     it)
 */
record Question(
    String text, String category, String l2Category, String correct, List<String> universe) {

  /** The kinds of question, as the MMBench part draws them. */
  static final int COLOUR = 0;

  static final int SHAPE = 1;
  static final int COUNT = 2;

  /** The hint a third of the questions carry. */
  static final String HINT = "The picture shows flat shapes on a textured background.";

  Question {
    universe = List.copyOf(universe);
  }

  /**
   * @return whether "What colour is the [large|small] SHAPE?" names exactly one object: no other
   *     object has the target's shape and size
   */
  static boolean colourIsClear(SceneObject target, List<SceneObject> objects) {
    return objects.stream()
            .filter(o -> o.shape() == target.shape() && o.large() == target.large())
            .count()
        == 1;
  }

  /**
   * @return whether "What shape is the COLOUR object?" names exactly one object: no other object
   *     has the target's colour
   */
  static boolean shapeIsClear(SceneObject target, List<SceneObject> objects) {
    return objects.stream().filter(o -> o.colour() == target.colour()).count() == 1;
  }

  /**
   * The question of a kind about a target (for {@link #COUNT}, about the whole scene). The caller
   * checks that a colour or shape question is clear.
   *
   * @param kind {@link #COLOUR}, {@link #SHAPE} or {@link #COUNT}
   * @param target the object asked about
   * @param objects every object of the scene
   * @return the question
   */
  static Question of(int kind, SceneObject target, List<SceneObject> objects) {
    if (kind == COLOUR) {
      boolean alone = objects.stream().filter(o -> o.shape() == target.shape()).count() == 1;
      List<String> colours = new ArrayList<>();
      for (Colour c : Colour.values()) {
        colours.add(c.english());
      }
      return new Question(
          alone
              ? "What colour is the " + target.shape().english() + "?"
              : "What colour is the "
                  + (target.large() ? "large " : "small ")
                  + target.shape().english()
                  + "?",
          "attribute_recognition",
          "finegrained_perception (instance-level)",
          target.colour().english(),
          colours);
    }
    if (kind == SHAPE) {
      List<String> shapes = new ArrayList<>();
      for (Shape s : Shape.values()) {
        shapes.add(s.english());
      }
      return new Question(
          "What shape is the " + target.colour().english() + " object?",
          "shape_recognition",
          "finegrained_perception (instance-level)",
          target.shape().english(),
          shapes);
    }
    if (kind == COUNT) {
      return new Question(
          "How many shapes are in the image?",
          "object_counting",
          "finegrained_perception (cross-instance)",
          Integer.toString(objects.size()),
          List.of("1", "2", "3", "4"));
    }
    throw new IllegalArgumentException("unknown question kind " + kind);
  }

  /**
   * Draws 2 to 4 options, always with the right one, in random order.
   *
   * @param r the part's stream
   * @return the options in letter order
   */
  List<String> options(SplittableRandom r) {
    int keep = 2 + r.nextInt(3);
    List<String> chosen = new ArrayList<>(List.of(correct));
    List<String> others = new ArrayList<>(universe);
    others.remove(correct);
    while (chosen.size() < Math.min(keep, universe.size())) {
      chosen.add(others.remove(r.nextInt(others.size())));
    }
    for (int i = chosen.size() - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      String t = chosen.get(i);
      chosen.set(i, chosen.get(j));
      chosen.set(j, t);
    }
    return chosen;
  }

  /**
   * @param r the part's stream
   * @return {@link #HINT} a third of the time, else empty
   */
  static String hint(SplittableRandom r) {
    return r.nextInt(3) == 0 ? HINT : "";
  }
}
