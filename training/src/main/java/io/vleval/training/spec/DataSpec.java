package io.vleval.training.spec;

import io.vleval.api.spec.Doc;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

/**
 * The training data: the built-in synthetic suite (generated into the cache on first use). Its
 * parts feed the stages: classification-train and captions-train (contrastive, generative), their
 * text (LM warm-ups), questions made from the training images and the segmentation-train scenes
 * (SFT); classification-val, captions-test and the mmbench part are only used to report metrics
 * after each stage.
 *
 * <p>{@code caption_languages} lists the languages of captions-train's captions the contrastive
 * stage draws from (the first one is also what the other stages read); classification pairs and the
 * held-out metrics stay English.
 *
 * @param syntheticScale tiny, small or medium
 * @param syntheticSeed the suite's generator seed
 * @param cache where the suite is generated
 * @param captionLanguages caption languages of captions-train, each once: en, zh
 */
public record DataSpec(
    @Doc("scale of the synthetic suite: tiny, small or medium (default small)")
        String syntheticScale,
    @Doc("generator seed of the suite (default 0)") Long syntheticSeed,
    @Doc("cache folder (default $VLEVAL_CACHE, else ~/.cache/vleval)") Path cache,
    @Doc(
            "languages of the training captions, each once: en, zh (default [en]); stage 1 draws one language per "
                + "captioned image and step, uniformly")
        List<String> captionLanguages) {

  /** The languages the synthetic suite has captions in. */
  public static final List<String> LANGUAGES = List.of("en", "zh");

  /** Defaults and checks. */
  public DataSpec {
    syntheticScale = syntheticScale == null ? "small" : syntheticScale;
    syntheticSeed = syntheticSeed == null ? 0L : syntheticSeed;
    if (!List.of("tiny", "small", "medium").contains(syntheticScale)) {
      throw new IllegalArgumentException(
          "'synthetic_scale' must be tiny, small or medium, found '" + syntheticScale + "'");
    }
    captionLanguages = captionLanguages == null ? List.of("en") : List.copyOf(captionLanguages);
    if (captionLanguages.isEmpty()) {
      throw new IllegalArgumentException(
          "'caption_languages' is empty; list at least one of " + LANGUAGES);
    }
    for (String l : captionLanguages) {
      if (!LANGUAGES.contains(l)) {
        throw new IllegalArgumentException(
            "'caption_languages' lists '"
                + l
                + "'; the synthetic suite has captions in "
                + String.join(", ", LANGUAGES));
      }
    }
    if (new HashSet<>(captionLanguages).size() != captionLanguages.size()) {
      throw new IllegalArgumentException(
          "'caption_languages' lists a language twice: " + captionLanguages);
    }
  }

  /** The data section before {@code caption_languages} existed: English captions only. */
  public DataSpec(String syntheticScale, Long syntheticSeed, Path cache) {
    this(syntheticScale, syntheticSeed, cache, null);
  }
}
