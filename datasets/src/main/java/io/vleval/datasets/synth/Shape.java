package io.vleval.datasets.synth;

/** The shapes of the synthetic world; each knows whether a point lies inside it. */
public enum Shape {
  CIRCLE("circle", "圆形"),
  SQUARE("square", "正方形"),
  TRIANGLE("triangle", "三角形");

  private final String english;
  private final String chinese;

  Shape(String english, String chinese) {
    this.english = english;
    this.chinese = chinese;
  }

  public String english() {
    return english;
  }

  public String chinese() {
    return chinese;
  }

  /**
   * Whether {@code (x, y)} (relative to the centre, in pixels) is inside the shape of circumradius
   * {@code r}, rotated by {@code angle} radians, given as {@code c = cos(-angle)} and {@code s =
   * sin(-angle)} (computed once per shape, not once per pixel).
   */
  boolean contains(double x, double y, double r, double c, double s) {
    double u = x * c - y * s;
    double v = x * s + y * c;
    switch (this) {
      case CIRCLE:
        return u * u + v * v <= r * r;
      case SQUARE:
        {
          double h = r / Math.sqrt(2);
          return Math.abs(u) <= h && Math.abs(v) <= h;
        }
      case TRIANGLE:
        {
          // equilateral, pointing up (v grows downwards in image coordinates)
          double y0 = -r;
          double yb = r / 2;
          if (v < y0 || v > yb) {
            return false;
          }
          double halfWidth = (v - y0) / (yb - y0) * (r * Math.sqrt(3) / 2);
          return Math.abs(u) <= halfWidth;
        }
      default:
        throw new IllegalStateException("unknown shape " + this);
    }
  }
}
