package io.vleval.api.sample;

import java.util.List;

/** A video clip with one or more captions (text-video retrieval, MSR-VTT). */
public record CaptionedVideo(String id, VideoSource video, List<String> captions)
    implements Sample {
  public CaptionedVideo {
    captions = List.copyOf(captions);
  }
}
