package io.vleval.api.model;

import io.vleval.api.sample.RgbImage;
import java.util.List;

/**
 * One chat turn: the image (may be {@code null}), the full prompt the task built, and the answers
 * the task accepts as well-formed, which only guessing baselines read: the option letters of a
 * multiple-choice question, "Yes"/"No" for a yes/no question, empty for an open question.
 */
public record ChatRequest(RgbImage image, String prompt, List<String> choices) {
  public ChatRequest {
    choices = List.copyOf(choices);
  }
}
