package io.vleval.api.model;

import java.util.List;

/**
 * Replies to a free-form prompt about an image (or about no image) with free text: the capability
 * behind open-ended, yes/no and judged dialogue benchmarks (VQA, POPE, MME, MM-Vet), behind LLM
 * judges and behind {@code vleval serve}. The task, not the model, turns the reply into a score.
 */
public interface ImageChat extends Capability {

  /** One reply per request, in order; {@code settings} bound the length and choose the decoding. */
  List<String> respond(List<ChatRequest> requests, GenerationSettings settings);
}
