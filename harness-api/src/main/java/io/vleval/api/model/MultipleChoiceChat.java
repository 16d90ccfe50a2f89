package io.vleval.api.model;

import java.util.List;

/** Answers multiple-choice prompts with free text; the task extracts the chosen option. */
public interface MultipleChoiceChat extends Capability {
  List<String> answer(List<ChatRequest> requests, GenerationSettings settings);
}
