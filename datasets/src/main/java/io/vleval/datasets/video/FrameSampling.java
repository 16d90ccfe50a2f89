package io.vleval.datasets.video;

/**
 * Which frames of a clip an evaluation looks at: the reference MSR-VTT protocol's uniform sampling,
 * {@code interval = ceil(n / F)} and indices {@code i * interval + interval / 2}, clamped to the
 * last frame (so short clips repeat their last frame rather than fail).
 */
public final class FrameSampling {
  private FrameSampling() {}

  public static int[] uniform(int frameCount, int frames) {
    if (frameCount < 1 || frames < 1) {
      throw new IllegalArgumentException(
          "need at least one frame, got " + frameCount + " frames for " + frames + " samples");
    }
    int interval = (frameCount + frames - 1) / frames;
    int[] out = new int[frames];
    for (int i = 0; i < frames; i++) {
      out[i] = Math.min(frameCount - 1, i * interval + interval / 2);
    }
    return out;
  }
}
