package io.vleval.datasets.synth;

import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A textured background with shapes drawn over it in order. Rendering is plain integer arithmetic
 * from the seed, so the same scene gives the same bytes on every machine.
 *
 * @param textureSeed seeds the background texture
 */
public record Scene(int width, int height, long textureSeed, List<SceneObject> objects) {

  public Scene {
    objects = List.copyOf(objects);
  }

  /** The picture: a muted, low-contrast texture with the shapes on top (2x2 supersampled edges). */
  public RgbImage render() {
    byte[] rgb = new byte[width * height * 3];
    SplittableRandom random = new SplittableRandom(textureSeed);
    // two sinusoidal gratings and per-pixel grain in a random muted tint
    double f1 = 0.05 + random.nextDouble() * 0.25;
    double f2 = 0.05 + random.nextDouble() * 0.25;
    double p1 = random.nextDouble() * Math.PI * 2;
    double p2 = random.nextDouble() * Math.PI * 2;
    double theta = random.nextDouble() * Math.PI;
    int base = 90 + random.nextInt(80);
    int tr = base + random.nextInt(31) - 15;
    int tg = base + random.nextInt(31) - 15;
    int tb = base + random.nextInt(31) - 15;
    double cos = Math.cos(theta);
    double sin = Math.sin(theta);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double u = x * cos + y * sin;
        double v = -x * sin + y * cos;
        int t =
            (int) Math.round(14 * Math.sin(u * f1 + p1) + 10 * Math.sin(v * f2 + p2))
                + random.nextInt(13)
                - 6;
        int o = (y * width + x) * 3;
        rgb[o] = (byte) clamp(tr + t);
        rgb[o + 1] = (byte) clamp(tg + t);
        rgb[o + 2] = (byte) clamp(tb + t);
      }
    }
    for (SceneObject obj : objects) {
      double c = Math.cos(-obj.angle());
      double s = Math.sin(-obj.angle());
      int x0 = Math.max(0, (int) Math.floor(obj.cx() - obj.radius() - 1));
      int x1 = Math.min(width - 1, (int) Math.ceil(obj.cx() + obj.radius() + 1));
      int y0 = Math.max(0, (int) Math.floor(obj.cy() - obj.radius() - 1));
      int y1 = Math.min(height - 1, (int) Math.ceil(obj.cy() + obj.radius() + 1));
      for (int y = y0; y <= y1; y++) {
        for (int x = x0; x <= x1; x++) {
          int inside = 0;
          for (int sy = 0; sy < 2; sy++) {
            for (int sx = 0; sx < 2; sx++) {
              double px = x + 0.25 + 0.5 * sx - obj.cx();
              double py = y + 0.25 + 0.5 * sy - obj.cy();
              if (obj.shape().contains(px, py, obj.radius(), c, s)) {
                inside++;
              }
            }
          }
          if (inside == 0) {
            continue;
          }
          int o = (y * width + x) * 3;
          rgb[o] = (byte) blend(rgb[o] & 0xFF, obj.colour().r(), inside);
          rgb[o + 1] = (byte) blend(rgb[o + 1] & 0xFF, obj.colour().g(), inside);
          rgb[o + 2] = (byte) blend(rgb[o + 2] & 0xFF, obj.colour().b(), inside);
        }
      }
    }
    return new RgbImage(width, height, rgb);
  }

  /**
   * The per-pixel class map: 0 is background, {@code 1 + shape.ordinal()} a shape (pixel centres
   * decide, later objects cover earlier ones).
   */
  public LabelMap labels() {
    byte[] values = new byte[width * height];
    for (SceneObject obj : objects) {
      double c = Math.cos(-obj.angle());
      double s = Math.sin(-obj.angle());
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          if (obj.shape().contains(x + 0.5 - obj.cx(), y + 0.5 - obj.cy(), obj.radius(), c, s)) {
            values[y * width + x] = (byte) (1 + obj.shape().ordinal());
          }
        }
      }
    }
    return new LabelMap(width, height, values);
  }

  private static int blend(int background, int colour, int coverage) {
    return (background * (4 - coverage) + colour * coverage + 2) / 4;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
