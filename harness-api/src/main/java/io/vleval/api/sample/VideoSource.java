package io.vleval.api.sample;

import java.util.List;

/** A lazily decoded video clip, sampled into a fixed number of frames. */
public interface VideoSource {
  /**
   * Decodes {@code count} frames sampled as the evaluation protocol says (the dataset documents its
   * rule); throws a {@link io.vleval.api.error.VlevalException} naming the file on failure.
   */
  List<RgbImage> frames(int count);

  String origin();
}
