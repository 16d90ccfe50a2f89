package io.vleval.datasets.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Lays out scenes by the suite's compositional grammar: a scene is a textured background and one or
 * more shapes, each a (shape, colour, size) triple at a position; pairs stand in a clear left/right
 * or above/below relation, so that a caption describes them unambiguously.
 */
final class SceneComposer {

  static final int[][] SIZES = {{128, 128}, {144, 112}, {112, 144}};

  private final SplittableRandom random;

  SceneComposer(SplittableRandom random) {
    this.random = random;
  }

  int[] size() {
    return SIZES[random.nextInt(SIZES.length)];
  }

  double radius(boolean large, int w, int h) {
    double side = Math.min(w, h);
    return large
        ? side * (0.2 + 0.06 * random.nextDouble())
        : side * (0.1 + 0.04 * random.nextDouble());
  }

  double angle(Shape shape) {
    // squares and triangles turn a little; a circle's angle does not matter
    return shape == Shape.CIRCLE ? 0 : (random.nextDouble() - 0.5) * 0.5;
  }

  /** One object, somewhere fully inside the frame. */
  Scene single(Shape shape, Colour colour, boolean large) {
    int[] wh = size();
    double r = radius(large, wh[0], wh[1]);
    double x = r + 2 + random.nextDouble() * (wh[0] - 2 * r - 4);
    double y = r + 2 + random.nextDouble() * (wh[1] - 2 * r - 4);
    return new Scene(
        wh[0],
        wh[1],
        random.nextLong(),
        List.of(new SceneObject(shape, colour, large, x, y, r, angle(shape))));
  }

  /** A random object description. */
  SceneObject randomObject() {
    Shape s = Shape.values()[random.nextInt(Shape.values().length)];
    return new SceneObject(
        s,
        Colour.values()[random.nextInt(Colour.values().length)],
        random.nextBoolean(),
        0,
        0,
        0,
        0);
  }

  /** Relation of the first object to the second in {@link #pair()}. */
  enum Relation {
    LEFT_OF("to the left of", "在", "的左边"),
    RIGHT_OF("to the right of", "在", "的右边"),
    ABOVE("above", "在", "的上面"),
    BELOW("below", "在", "的下面");

    final String english;
    final String chinesePrefix;
    final String chineseSuffix;

    Relation(String english, String chinesePrefix, String chineseSuffix) {
      this.english = english;
      this.chinesePrefix = chinesePrefix;
      this.chineseSuffix = chineseSuffix;
    }
  }

  /** Two different objects and how the first stands to the second. */
  record Pair(Scene scene, SceneObject first, SceneObject second, Relation relation) {}

  Pair pair() {
    SceneObject a = randomObject();
    SceneObject b;
    do {
      b = randomObject();
    } while (b.shape() == a.shape() && b.colour() == a.colour());
    Relation rel = Relation.values()[random.nextInt(Relation.values().length)];
    int[] wh = size();
    int w = wh[0];
    int h = wh[1];
    double ra = radius(a.large(), w, h) * 0.85;
    double rb = radius(b.large(), w, h) * 0.85;
    boolean horizontal = rel == Relation.LEFT_OF || rel == Relation.RIGHT_OF;
    // the first object goes in one half, the second in the other, centres well apart
    double[] pa = place(ra, w, h, horizontal, rel == Relation.LEFT_OF || rel == Relation.ABOVE);
    double[] pb = place(rb, w, h, horizontal, !(rel == Relation.LEFT_OF || rel == Relation.ABOVE));
    SceneObject first = a.movedTo(pa[0], pa[1], ra, angle(a.shape()));
    SceneObject second = b.movedTo(pb[0], pb[1], rb, angle(b.shape()));
    return new Pair(new Scene(w, h, random.nextLong(), List.of(first, second)), first, second, rel);
  }

  private double[] place(double r, int w, int h, boolean horizontal, boolean lowHalf) {
    double along = horizontal ? w : h;
    double across = horizontal ? h : w;
    double lo = lowHalf ? r + 2 : along / 2 + r + 2;
    double hi = lowHalf ? along / 2 - r - 2 : along - r - 2;
    double p = lo + random.nextDouble() * Math.max(0, hi - lo);
    double q = r + 2 + random.nextDouble() * Math.max(0, across - 2 * r - 4);
    return horizontal ? new double[] {p, q} : new double[] {q, p};
  }

  /** Up to {@code count} non-overlapping objects (fewer if they do not fit after many tries). */
  Scene many(int count, int w, int h) {
    List<SceneObject> objects = new ArrayList<>();
    int tries = 0;
    while (objects.size() < count && tries++ < 200) {
      SceneObject o = randomObject();
      double r = radius(o.large(), w, h) * 0.8;
      double x = r + 2 + random.nextDouble() * (w - 2 * r - 4);
      double y = r + 2 + random.nextDouble() * (h - 2 * r - 4);
      boolean free = true;
      for (SceneObject other : objects) {
        double d = Math.hypot(other.cx() - x, other.cy() - y);
        free &= d > other.radius() + r + 3;
      }
      if (free) {
        objects.add(o.movedTo(x, y, r, angle(o.shape())));
      }
    }
    return new Scene(w, h, random.nextLong(), objects);
  }

  SplittableRandom random() {
    return random;
  }
}
