package io.vleval.testkit.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An OpenAI-compatible {@code /v1/chat/completions} endpoint on {@code 127.0.0.1} (a free port),
 * for tests of served models and judges: each request is handed to a script that returns the
 * status, headers and body to send. It records every request and counts the requests in flight at
 * once.
 */
public final class FakeChatServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One received request: its parsed body and its headers. */
  public record Request(JsonNode body, Headers headers) {

    /** The text parts of the last user message, joined with a newline. */
    public String prompt() {
      JsonNode messages = body.path("messages");
      JsonNode content = messages.get(messages.size() - 1).path("content");
      if (content.isTextual()) {
        return content.asText();
      }
      List<String> texts = new ArrayList<>();
      for (JsonNode part : content) {
        if (part.path("type").asText().equals("text")) {
          texts.add(part.path("text").asText());
        }
      }
      return String.join("\n", texts);
    }
  }

  /** What to answer. */
  public record Response(int status, Map<String, String> headers, String body, long delayMillis) {

    /** A 200 reply whose first choice's message content is {@code text}. */
    public static Response reply(String text) {
      try {
        return new Response(
            200,
            Map.of(),
            JSON.writeValueAsString(
                Map.of(
                    "id", "chatcmpl-test",
                    "object", "chat.completion",
                    "choices",
                        List.of(
                            Map.of(
                                "index",
                                0,
                                "finish_reason",
                                "stop",
                                "message",
                                Map.of("role", "assistant", "content", text))))),
            0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** An error status with an OpenAI-style error body. */
    public static Response error(int status, String message) {
      try {
        return new Response(
            status,
            Map.of(),
            JSON.writeValueAsString(Map.of("error", Map.of("message", message))),
            0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public Response withHeader(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Response(status, h, body, delayMillis);
    }

    public Response delayed(long millis) {
      return new Response(status, headers, body, millis);
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Request> requests = new ArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile Function<Request, Response> script;

  /**
   * Starts a server answering with {@code script}, called once per request (from several threads at
   * once: it must be thread-safe).
   */
  public FakeChatServer(Function<Request, Response> script) {
    this.script = script;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(threads);
    server.createContext("/v1/chat/completions", this::handle);
    server.start();
  }

  /** {@code http://127.0.0.1:PORT/v1}, what {@code base_url} names. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  public void script(Function<Request, Response> next) {
    this.script = next;
  }

  /** Every request received so far, in arrival order. */
  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** The most requests that were in flight at once. */
  public int maxInFlight() {
    return maxInFlight.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try (exchange) {
      Request request =
          new Request(
              JSON.readTree(exchange.getRequestBody().readAllBytes()),
              exchange.getRequestHeaders());
      synchronized (requests) {
        requests.add(request);
      }
      Response response = script.apply(request);
      if (response.delayMillis() > 0) {
        Thread.sleep(response.delayMillis());
      }
      byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
