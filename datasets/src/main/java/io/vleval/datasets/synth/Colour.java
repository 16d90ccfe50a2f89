package io.vleval.datasets.synth;

/** The colours of the synthetic world, with their names in the suite's languages. */
public enum Colour {
  RED("red", "红色", 220, 40, 40),
  GREEN("green", "绿色", 40, 180, 60),
  BLUE("blue", "蓝色", 40, 70, 220),
  YELLOW("yellow", "黄色", 235, 210, 40);

  private final String english;
  private final String chinese;
  private final int r;
  private final int g;
  private final int b;

  Colour(String english, String chinese, int r, int g, int b) {
    this.english = english;
    this.chinese = chinese;
    this.r = r;
    this.g = g;
    this.b = b;
  }

  public String english() {
    return english;
  }

  public String chinese() {
    return chinese;
  }

  /**
   * @return the colour's sRGB value, {red, green, blue} in 0..255 (shapes are drawn in it, edges
   *     blended)
   */
  public int[] rgb() {
    return new int[] {r, g, b};
  }

  int r() {
    return r;
  }

  int g() {
    return g;
  }

  int b() {
    return b;
  }
}
