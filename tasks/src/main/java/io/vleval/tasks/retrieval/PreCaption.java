package io.vleval.tasks.retrieval;

import java.util.Arrays;
import java.util.Locale;

/**
 * CLIP_benchmark's {@code pre_caption} for COCO and Flickr captions: lower case, each of {@code . !
 * " ( ) * # : ; ~} replaced by a space, whitespace collapsed, stripped, at most 50 words.
 */
public final class PreCaption {
  private PreCaption() {}

  public static String apply(String caption) {
    String s = caption.toLowerCase(Locale.ROOT).replaceAll("[.!\"()*#:;~]", " ");
    s = s.replaceAll("\\s{2,}", " ").strip();
    String[] words = s.split(" ");
    if (words.length > 50) {
      s = String.join(" ", Arrays.copyOf(words, 50));
    }
    return s;
  }
}
