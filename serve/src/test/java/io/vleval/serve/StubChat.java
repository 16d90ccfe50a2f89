package io.vleval.serve;

import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A chat model for tests: replies {@code "PROMPT|WxH|max=N"} (or {@code none} without an image),
 * records each call's batch, can hold its calls until released, and fails on prompts holding {@code
 * boom}.
 */
final class StubChat implements ImageChat {
  /** One call of {@link #respond}. */
  record Call(List<String> prompts, GenerationSettings settings) {}

  final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch release;
  private final CountDownLatch entered = new CountDownLatch(1);
  private volatile Consumer<List<ChatRequest>> beforeFirst = r -> {};

  /** Answers at once. */
  StubChat() {
    this(new CountDownLatch(0));
  }

  /** Holds every call until {@code release} counts down. */
  StubChat(CountDownLatch release) {
    this.release = release;
  }

  /** Runs {@code hook} inside the first call, before it answers. */
  StubChat beforeFirst(Consumer<List<ChatRequest>> hook) {
    this.beforeFirst = hook;
    return this;
  }

  /** Waits until a call has started. */
  void awaitEntered() throws InterruptedException {
    if (!entered.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the model was never called");
    }
  }

  static String expected(String prompt, int width, int height, int maxTokens) {
    return prompt + "|" + (width < 0 ? "none" : width + "x" + height) + "|max=" + maxTokens;
  }

  @Override
  public List<String> respond(List<ChatRequest> requests, GenerationSettings settings) {
    boolean first;
    synchronized (this) {
      first = calls.isEmpty();
      calls.add(new Call(requests.stream().map(ChatRequest::prompt).toList(), settings));
    }
    entered.countDown();
    if (first) {
      beforeFirst.accept(requests);
    }
    try {
      if (!release.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never released the model");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    List<String> out = new ArrayList<>();
    for (ChatRequest r : requests) {
      if (r.prompt().contains("boom")) {
        throw new IllegalStateException("stub failure on " + r.prompt());
      }
      out.add(
          expected(
              r.prompt(),
              r.image() == null ? -1 : r.image().width(),
              r.image() == null ? -1 : r.image().height(),
              settings.maxNewTokens()));
    }
    return out;
  }
}
