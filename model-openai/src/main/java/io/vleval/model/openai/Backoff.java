package io.vleval.model.openai;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before retry {@code attempt} (1, 2, ...): the server's {@code Retry-After} when
 * it sent one (at most {@code maxRetryAfter}), else exponential backoff with full jitter, a random
 * wait between half and all of {@code base * 2^(attempt-1)}, at most {@code cap}. The jitter keeps
 * the concurrent requests of a batch from retrying in lockstep; it changes no reply.
 */
record Backoff(Duration base, Duration cap, Duration maxRetryAfter) {

  static final Backoff DEFAULT =
      new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(120));

  long delayMillis(int attempt, Duration retryAfter) {
    if (retryAfter != null) {
      return Math.min(Math.max(0, retryAfter.toMillis()), maxRetryAfter.toMillis());
    }
    long ceiling = base.toMillis() << Math.min(20, attempt - 1);
    ceiling = Math.min(ceiling, cap.toMillis());
    if (ceiling <= 1) {
      return ceiling;
    }
    return ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
  }
}
