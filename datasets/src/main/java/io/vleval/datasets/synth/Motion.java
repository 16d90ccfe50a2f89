package io.vleval.datasets.synth;

/**
 * How the object of a synthetic video clip moves. Every motion is its reverse played backwards, so
 * a model that averages frame embeddings cannot tell them apart: a video class is a motion of its
 * own object ({@link VideoClass}).
 */
public enum Motion {
  LEFT("moving left"),
  RIGHT("moving right"),
  UP("moving up"),
  DOWN("moving down"),
  GROWING("growing"),
  SHRINKING("shrinking");

  private final String english;

  Motion(String english) {
    this.english = english;
  }

  public String english() {
    return english;
  }
}
