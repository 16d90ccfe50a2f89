package io.vleval.training.data;

import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import io.vleval.datasets.synth.Colour;
import io.vleval.training.data.TrainingData.SceneObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads back what a segmentation scene of the synthetic suite shows, for the stage-3 instruction
 * turns: each object is a connected region of one class in the label map (the suite keeps objects
 * apart), its shape that class, its colour the suite colour nearest to the region's mean in the
 * picture, its size (large or small) the larger or smaller area of two objects of one shape when
 * they differ clearly.
 */
final class SceneObjects {

  /** Regions smaller than this (pixels) are not counted as objects. */
  static final int MIN_AREA = 12;

  /**
   * Two objects of one shape are told apart by size only when their areas differ by this factor.
   */
  static final double SIZE_RATIO = 1.6;

  private SceneObjects() {}

  private record Region(int label, long area, double r, double g, double b) {}

  /**
   * @param image the scene's picture
   * @param labels its label map after {@code reduce_zero_label} (255 = background, else the class)
   * @param classNames the segmentation classes (shape names) in label order
   * @return its objects, in the order their regions are first met scanning rows
   * @throws IllegalArgumentException when picture and label map differ in size or a label has no
   *     class
   */
  static List<SceneObject> of(RgbImage image, LabelMap labels, List<String> classNames) {
    int w = labels.width();
    int h = labels.height();
    if (image.width() != w || image.height() != h) {
      throw new IllegalArgumentException(
          "the picture is "
              + image.width()
              + "x"
              + image.height()
              + ", its label map "
              + w
              + "x"
              + h);
    }
    boolean[] seen = new boolean[w * h];
    int[] queue = new int[w * h];
    List<Region> regions = new ArrayList<>();
    for (int start = 0; start < w * h; start++) {
      int label = labels.at(start % w, start / w);
      if (seen[start] || label == 255) {
        continue;
      }
      if (label >= classNames.size()) {
        throw new IllegalArgumentException(
            "label " + label + " at (" + start % w + ", " + start / w + ") has no class");
      }
      // flood fill the 4-connected region of this label
      int head = 0;
      int tail = 0;
      queue[tail++] = start;
      seen[start] = true;
      double r = 0;
      double g = 0;
      double b = 0;
      while (head < tail) {
        int p = queue[head++];
        int x = p % w;
        int y = p / w;
        r += image.channel(x, y, 0);
        g += image.channel(x, y, 1);
        b += image.channel(x, y, 2);
        int[] next = {
          x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1
        };
        for (int q : next) {
          if (q >= 0 && !seen[q] && labels.at(q % w, q / w) == label) {
            seen[q] = true;
            queue[tail++] = q;
          }
        }
      }
      if (tail >= MIN_AREA) {
        regions.add(new Region(label, tail, r / tail, g / tail, b / tail));
      }
    }
    Map<Integer, List<Region>> byShape = new HashMap<>();
    regions.forEach(rg -> byShape.computeIfAbsent(rg.label(), k -> new ArrayList<>()).add(rg));
    List<SceneObject> out = new ArrayList<>();
    for (Region rg : regions) {
      out.add(
          new SceneObject(
              nearestColour(rg), classNames.get(rg.label()), large(rg, byShape.get(rg.label()))));
    }
    return out;
  }

  /**
   * Large when it is clearly the larger of exactly two objects of its shape; two alike or three or
   * more: all large.
   */
  private static boolean large(Region rg, List<Region> sameShape) {
    if (sameShape.size() == 1) {
      return false;
    }
    if (sameShape.size() == 2) {
      Region other = sameShape.get(0) == rg ? sameShape.get(1) : sameShape.get(0);
      double ratio = (double) Math.max(rg.area(), other.area()) / Math.min(rg.area(), other.area());
      if (ratio >= SIZE_RATIO) {
        return rg.area() > other.area();
      }
    }
    return true; // not told apart by size: the instruction data then asks no size-dependent
    // question
  }

  private static String nearestColour(Region rg) {
    Colour best = null;
    double bestDistance = Double.MAX_VALUE;
    for (Colour c : Colour.values()) {
      int[] v = c.rgb();
      double d =
          Math.pow(rg.r() - v[0], 2) + Math.pow(rg.g() - v[1], 2) + Math.pow(rg.b() - v[2], 2);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    return best.english();
  }
}
