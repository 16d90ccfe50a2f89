package io.vleval.model.baseline;

import io.vleval.api.sample.RgbImage;
import java.util.SplittableRandom;

/**
 * Deterministic randomness keyed by content, so a baseline gives the same output for the same input
 * and seed.
 */
final class Seeds {
  private Seeds() {}

  static long of(long seed, RgbImage image) {
    long h = seed ^ 0xcbf29ce484222325L;
    h = (h ^ image.width()) * 0x100000001B3L;
    h = (h ^ image.height()) * 0x100000001B3L;
    byte[] rgb = image.rgb();
    for (byte b : rgb) {
      h = (h ^ (b & 0xFF)) * 0x100000001B3L;
    }
    return h;
  }

  static long of(long seed, String text) {
    long h = seed ^ 0x84222325cbf29ce4L;
    for (int i = 0; i < text.length(); i++) {
      h = (h ^ text.charAt(i)) * 0x100000001B3L;
    }
    return h;
  }

  static float[] gaussian(long key, int size) {
    SplittableRandom r = new SplittableRandom(key);
    float[] v = new float[size];
    for (int i = 0; i < size; i += 2) {
      // Box-Muller: two normals from two uniforms
      double u1 = 1.0 - r.nextDouble();
      double u2 = r.nextDouble();
      double radius = Math.sqrt(-2 * Math.log(u1));
      v[i] = (float) (radius * Math.cos(2 * Math.PI * u2));
      if (i + 1 < size) {
        v[i + 1] = (float) (radius * Math.sin(2 * Math.PI * u2));
      }
    }
    return v;
  }
}
