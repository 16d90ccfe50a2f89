package io.vleval.api.model;

/**
 * Decoding settings for text generation.
 *
 * @param beamSize 1 for greedy decoding
 * @param minNewTokens tokens generated before an end token may stop the output
 * @param maxNewTokens upper bound on generated tokens
 * @param lengthPenalty beam scores are divided by {@code length^lengthPenalty}
 */
public record GenerationSettings(
    int beamSize, int minNewTokens, int maxNewTokens, double lengthPenalty) {
  public GenerationSettings {
    if (beamSize < 1) {
      throw new IllegalArgumentException("beam size must be at least 1, got " + beamSize);
    }
    if (minNewTokens < 0 || maxNewTokens < minNewTokens) {
      throw new IllegalArgumentException(
          "need 0 <= min_new_tokens <= max_new_tokens, got " + minNewTokens + ", " + maxNewTokens);
    }
  }

  public static GenerationSettings greedy(int maxNewTokens) {
    return new GenerationSettings(1, 0, maxNewTokens, 1.0);
  }
}
