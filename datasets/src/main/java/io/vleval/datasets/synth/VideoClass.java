package io.vleval.datasets.synth;

/**
 * A class of the synthetic video part: one fixed object doing its own motion, visible in every
 * frame as a Kinetics action is ("juggling balls" shows balls), named as Kinetics names its
 * classes.
 */
public record VideoClass(Colour colour, Shape shape, Motion motion) {

  /** The Kinetics CSV {@code label}: "red circle moving left". */
  public String label() {
    return colour.english() + " " + shape.english() + " " + motion.english();
  }
}
