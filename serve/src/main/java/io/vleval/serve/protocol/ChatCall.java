package io.vleval.serve.protocol;

import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.sample.RgbImage;
import java.util.List;

/**
 * One chat completion request, read and checked: the model it names, the user's image (or null) and
 * prompt, and the decoding settings. Requests with equal settings may share a batch.
 */
public record ChatCall(String model, RgbImage image, String prompt, GenerationSettings settings) {

  /** The model's view of the call: an open question, so no well-formed answers are given. */
  public ChatRequest request() {
    return new ChatRequest(image, prompt, List.of());
  }
}
