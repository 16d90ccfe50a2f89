package io.vleval.tasks.dialogue;

import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import io.vleval.api.sample.VisualQuestion;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Asks a chat model a batch of visual questions in one call. */
public final class VisualQuestions {

  private VisualQuestions() {}

  /**
   * The model's replies, in batch order, to each question's image (none for a text-only question)
   * and the prompt the task builds from it; {@code choices} are what guessing baselines pick from.
   */
  public static List<String> ask(
      ImageChat chat,
      List<VisualQuestion> batch,
      Function<VisualQuestion, String> prompt,
      List<String> choices,
      GenerationSettings settings) {
    List<ChatRequest> requests = new ArrayList<>();
    for (VisualQuestion q : batch) {
      requests.add(
          new ChatRequest(q.image() == null ? null : q.image().load(), prompt.apply(q), choices));
    }
    return chat.respond(requests, settings);
  }
}
