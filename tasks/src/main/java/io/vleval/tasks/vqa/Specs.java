package io.vleval.tasks.vqa;

import java.util.Locale;

/** Checks shared by the VQA-family specs. */
final class Specs {
  private Specs() {}

  static void check(int minNewTokens, int maxNewTokens, int resamples) {
    if (minNewTokens < 0 || maxNewTokens < Math.max(1, minNewTokens)) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "need 0 <= min_new_tokens <= max_new_tokens and max_new_tokens >= 1, got %d and %d",
              minNewTokens,
              maxNewTokens));
    }
    if (resamples < 0) {
      throw new IllegalArgumentException("resamples must be 0 or more, got " + resamples);
    }
  }
}
