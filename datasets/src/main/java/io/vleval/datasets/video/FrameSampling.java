package io.vleval.datasets.video;

import java.util.Locale;

/**
 * Which frames of a clip an evaluation looks at: the uniform sampling of the reference MSR-VTT
 * script ({@code video_retrieval/test_msrvtt.py}), {@code interval = ceil(n / F)} and indices
 * {@code np.arange(0, n, interval) + interval // 2}, for a clip of {@code n} frames and {@code F}
 * frames wanted.
 *
 * <p>The reference then asserts that this gives exactly {@code F} indices and that the last lies
 * below {@code n}, and stops otherwise. That fails for every clip shorter than {@code F} frames
 * ({@code interval} is 1, so only {@code n} indices come out) and for some longer ones (15 frames
 * for 8: {@code interval} 2 puts the last index at 15); the longest clip it fails on has {@code (2F
 * - 1)(F - 1)} frames (105 for 8). {@link Rule#REFERENCE} keeps that behaviour, refusing such a
 * clip with the reason; {@link Rule#CLAMPED} takes {@code min(n - 1, i * interval + interval / 2)}
 * for {@code i < F}, which equals the reference wherever the reference works and repeats the last
 * frame where it would stop.
 */
public final class FrameSampling {
  private FrameSampling() {}

  /** How a clip's frames are chosen. */
  public enum Rule {
    /** The reference's indices; a clip on which the reference's assertion fails is refused. */
    REFERENCE,
    /** The reference's indices, clamped to the last frame, so no clip is refused. */
    CLAMPED;

    /**
     * The {@code frames} indices to decode from a clip of {@code frameCount} frames.
     *
     * @throws IllegalArgumentException when the rule refuses the clip ({@link #refusal} says why)
     */
    public int[] indices(int frameCount, int frames) {
      String why = refusal(frameCount, frames);
      if (why != null) {
        throw new IllegalArgumentException(why);
      }
      return this == REFERENCE ? referenceIndices(frameCount, frames) : uniform(frameCount, frames);
    }

    /** Why this rule cannot sample the clip, or {@code null} when it can. */
    public String refusal(int frameCount, int frames) {
      check(frameCount, frames);
      return this == REFERENCE ? referenceRefusal(frameCount, frames) : null;
    }
  }

  /** The clamped rule's indices ({@link Rule#CLAMPED}). */
  public static int[] uniform(int frameCount, int frames) {
    check(frameCount, frames);
    int interval = interval(frameCount, frames);
    int[] out = new int[frames];
    for (int i = 0; i < frames; i++) {
      out[i] = Math.min(frameCount - 1, i * interval + interval / 2);
    }
    return out;
  }

  /**
   * The reference's indices, {@code np.arange(0, n, interval) + interval // 2}, as many as that
   * gives (possibly not {@code frames}, and possibly with the last at or past {@code n}: what the
   * reference's assertion then refuses).
   */
  public static int[] referenceIndices(int frameCount, int frames) {
    check(frameCount, frames);
    int interval = interval(frameCount, frames);
    int count = (frameCount + interval - 1) / interval;
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = i * interval + interval / 2;
    }
    return out;
  }

  private static String referenceRefusal(int frameCount, int frames) {
    int interval = interval(frameCount, frames);
    int[] indices = referenceIndices(frameCount, frames);
    String sampling =
        String.format(
            Locale.ROOT,
            "the reference sampling of %d frames (interval ceil(%d / %d) = %d, indices 0, %d, %d,"
                + " ... + %d)",
            frames,
            frameCount,
            frames,
            interval,
            interval,
            2 * interval,
            interval / 2);
    if (indices.length != frames) {
      return String.format(
          Locale.ROOT,
          "has %d frames: %s gives %d indices, not %d, and the reference script stops on such a"
              + " clip; expected a clip of at least %d frames, or sample fewer frames, or set"
              + " frame_sampling: clamped to repeat frames",
          frameCount,
          sampling,
          indices.length,
          frames,
          frames);
    }
    int last = indices[indices.length - 1];
    if (last >= frameCount) {
      return String.format(
          Locale.ROOT,
          "has %d frames: %s puts the last index at %d, past the last frame %d, and the reference"
              + " script stops on such a clip; sample fewer frames, or set frame_sampling: clamped"
              + " to take the last frame instead",
          frameCount,
          sampling,
          last,
          frameCount - 1);
    }
    return null;
  }

  private static int interval(int frameCount, int frames) {
    return (frameCount + frames - 1) / frames;
  }

  private static void check(int frameCount, int frames) {
    if (frameCount < 1 || frames < 1) {
      throw new IllegalArgumentException(
          "need at least one frame, got " + frameCount + " frames for " + frames + " samples");
    }
  }
}
