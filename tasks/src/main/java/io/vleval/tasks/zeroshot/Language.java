package io.vleval.tasks.zeroshot;

import java.util.Locale;

/**
 * The languages of the multilingual zero-shot ImageNet protocol (INTERNVL.md 6.3), named as
 * CLIP_benchmark names its files: {@code <code>_classnames.json} and {@code
 * <code>_zeroshot_classification_templates.json}.
 */
public enum Language {
  EN,
  CN,
  JP,
  AR,
  IT;

  /** The code in CLIP_benchmark's file names: {@code en}, {@code cn}, {@code jp}, ... */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code <code>_classnames.json}. */
  public String classNamesFile() {
    return code() + "_classnames.json";
  }

  /** {@code <code>_zeroshot_classification_templates.json}. */
  public String templatesFile() {
    return code() + "_zeroshot_classification_templates.json";
  }
}
