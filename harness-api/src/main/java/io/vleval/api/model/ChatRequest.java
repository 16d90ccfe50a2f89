package io.vleval.api.model;

import io.vleval.api.sample.RgbImage;
import java.util.List;

/**
 * One multiple-choice turn: the image (may be {@code null}), the full prompt the task built, and
 * the option letters offered (so that baselines can choose among them).
 */
public record ChatRequest(RgbImage image, String prompt, List<String> optionLetters) {
  public ChatRequest {
    optionLetters = List.copyOf(optionLetters);
  }
}
