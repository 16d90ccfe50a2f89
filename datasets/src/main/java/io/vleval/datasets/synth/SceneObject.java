package io.vleval.datasets.synth;

/**
 * One shape placed in a scene.
 *
 * @param cx centre x in pixels
 * @param cy centre y in pixels
 * @param radius circumradius in pixels
 * @param angle rotation in radians
 */
public record SceneObject(
    Shape shape, Colour colour, boolean large, double cx, double cy, double radius, double angle) {

  /** "small red circle" */
  public String phrase() {
    return (large ? "large " : "small ") + colour.english() + " " + shape.english();
  }

  /** "小的红色圆形" */
  public String chinesePhrase() {
    return (large ? "大的" : "小的") + colour.chinese() + shape.chinese();
  }

  SceneObject movedTo(double x, double y, double r, double a) {
    return new SceneObject(shape, colour, large, x, y, r, a);
  }
}
