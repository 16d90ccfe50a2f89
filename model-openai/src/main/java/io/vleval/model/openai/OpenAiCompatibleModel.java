package io.vleval.model.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.api.error.VlevalException;
import io.vleval.api.model.Capability;
import io.vleval.api.model.CaptionGenerator;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import io.vleval.api.model.Model;
import io.vleval.api.model.ModelInfo;
import io.vleval.api.model.MultipleChoiceChat;
import io.vleval.api.sample.RgbImage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A served model: every capability call becomes one chat completion request per input, at most
 * {@code concurrency} in flight, each answered from the run's reply cache when it was asked before.
 *
 * <p>A request body is {@code {"model", "messages": [system?, user], "temperature": 0,
 * "max_tokens"}}, the user message's content being the image as a data URL ({@code image_url} part)
 * followed by the prompt ({@code text} part). The chat API decodes greedily or samples; it has no
 * beam search, so a task that asks for beams is refused with what to set instead. Minimum lengths
 * ({@code min_new_tokens}) have no standard field and are not sent.
 */
final class OpenAiCompatibleModel
    implements Model, CaptionGenerator, MultipleChoiceChat, ImageChat {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<Class<? extends Capability>> CAPABILITIES =
      Set.of(CaptionGenerator.class, MultipleChoiceChat.class, ImageChat.class);

  private final OpenAiCompatibleProvider.Spec spec;
  private final ChatClient client;
  private final ReplyCache cache;
  private final ExecutorService pool;

  OpenAiCompatibleModel(OpenAiCompatibleProvider.Spec spec, ChatClient client, ReplyCache cache) {
    this.spec = spec;
    this.client = client;
    this.cache = cache;
    AtomicInteger threads = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            spec.concurrency(),
            r -> {
              Thread t = new Thread(r, "openai-compatible-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public Set<Class<? extends Capability>> capabilities() {
    return CAPABILITIES;
  }

  @Override
  public <C extends Capability> Optional<C> capability(Class<C> type) {
    return CAPABILITIES.contains(type) ? Optional.of(type.cast(this)) : Optional.empty();
  }

  /**
   * The served model as provenance sees it: {@code checksum} is a digest of the URL and the served
   * name (the weights behind them are the server's), {@code engine} names both, {@code device} is
   * {@code remote}.
   */
  @Override
  public ModelInfo info() {
    return new ModelInfo(
        "sha256:" + sha256(spec.baseUrl() + "\n" + spec.model()),
        "openai-compatible " + spec.baseUrl() + " model " + spec.model(),
        "remote");
  }

  @Override
  public List<String> caption(List<RgbImage> images, String prompt, GenerationSettings settings) {
    List<ChatRequest> requests = new ArrayList<>();
    for (RgbImage image : images) {
      requests.add(new ChatRequest(image, prompt, List.of()));
    }
    return respond(requests, settings);
  }

  @Override
  public List<String> answer(List<ChatRequest> requests, GenerationSettings settings) {
    return respond(requests, settings);
  }

  @Override
  public List<String> respond(List<ChatRequest> requests, GenerationSettings settings) {
    if (settings.beamSize() > 1) {
      throw new VlevalException(
          client.prefix()
              + "the task asks for beam search with "
              + settings.beamSize()
              + " beams, which the chat completions API does not offer; set the task's beam_size"
              + " to 1 to decode greedily");
    }
    List<String> bodies = new ArrayList<>(requests.size());
    for (ChatRequest r : requests) {
      bodies.add(body(r, settings));
    }
    List<String> replies = new ArrayList<>(requests.size());
    List<Future<String>> pending = new ArrayList<>(requests.size());
    for (String body : bodies) {
      String key = sha256(spec.baseUrl() + "\n" + body);
      Optional<String> cached = cache == null ? Optional.empty() : cache.get(key);
      if (cached.isPresent()) {
        pending.add(CompletableFuture.completedFuture(cached.get()));
      } else {
        pending.add(
            pool.submit(
                () -> {
                  String reply = client.complete(body);
                  if (cache != null) {
                    cache.put(key, reply);
                  }
                  return reply;
                }));
      }
    }
    RuntimeException failure = null;
    for (Future<String> f : pending) {
      try {
        replies.add(f.get());
      } catch (ExecutionException e) {
        RuntimeException cause =
            e.getCause() instanceof RuntimeException r
                ? r
                : new IllegalStateException("a request failed", e.getCause());
        if (failure == null) {
          failure = cause;
        } else if (failure != cause && !Objects.equals(failure.getMessage(), cause.getMessage())) {
          failure.addSuppressed(cause);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        pending.forEach(p -> p.cancel(true));
        throw new VlevalException(client.prefix() + "interrupted while waiting for replies", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return replies;
  }

  /** The exact request body for one turn; its hash keys the reply cache. */
  String body(ChatRequest request, GenerationSettings settings) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", spec.model());
    ArrayNode messages = body.putArray("messages");
    if (spec.systemPrompt() != null) {
      messages.addObject().put("role", "system").put("content", spec.systemPrompt());
    }
    ObjectNode user = messages.addObject().put("role", "user");
    ArrayNode content = user.putArray("content");
    if (request.image() != null) {
      ObjectNode part = content.addObject().put("type", "image_url");
      part.putObject("image_url")
          .put("url", ImageUrls.dataUrl(request.image(), spec.imageFormat()));
    }
    content.addObject().put("type", "text").put("text", request.prompt());
    body.put("temperature", 0);
    body.put("max_tokens", settings.maxNewTokens());
    // a task's minimum length (MMBench decodes at least one token) needs a server-specific field
    if (spec.minTokensField() != null && settings.minNewTokens() > 0) {
      body.put(spec.minTokensField(), settings.minNewTokens());
    }
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a request body", e);
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
    if (cache != null) {
      cache.close();
    }
  }
}
