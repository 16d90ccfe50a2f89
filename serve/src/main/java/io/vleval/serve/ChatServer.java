package io.vleval.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vleval.api.error.VlevalException;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import io.vleval.datasets.image.ImageDecoder;
import io.vleval.serve.RequestQueue.Pending;
import io.vleval.serve.protocol.ApiError;
import io.vleval.serve.protocol.ChatCall;
import io.vleval.serve.protocol.Replies;
import io.vleval.serve.protocol.RequestReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible HTTP server for one model that offers {@link ImageChat}: {@code GET
 * /v1/models}, {@code GET /v1/models/{id}}, {@code POST /v1/chat/completions} and {@code GET
 * /health}, on the JDK's {@code com.sun.net.httpserver}.
 *
 * <p>Handler threads read, check and decode each request (400, 404, 413 in OpenAI's error shape)
 * and put it in a bounded queue (429 when full); one dispatcher thread takes the oldest waiting
 * request with up to {@code batchSize - 1} more that have equal decoding settings and calls {@link
 * ImageChat#respond} once for all of them. A model failure answers its requests 500 (a failed batch
 * is retried one request at a time first, so one bad request fails alone) and the server keeps
 * serving. Until {@link #serve} and from {@link #close}, API requests are answered 503.
 *
 * <p>Use: {@code try (ChatServer s = ChatServer.start(name, chat, ServeOptions.defaults())) {
 * s.baseUrl() ... }}. The server does not own the model: close the model after the server.
 */
public final class ChatServer implements AutoCloseable {

  private enum State {
    LOADING,
    READY,
    CLOSING,
    CLOSED
  }

  private final ServeOptions options;
  private final ServeListener listener;
  private final HttpServer http;
  private final ExecutorService handlers;
  private final ExecutorService repliers;
  private final RequestQueue queue;
  private final RequestReader reader;
  private final long created = System.currentTimeMillis() / 1000;
  private final String idPrefix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  private final AtomicLong ids = new AtomicLong();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final byte[] expectedAuthorization;

  private volatile State state = State.LOADING;
  private volatile String model;
  private volatile ImageChat chat;
  private volatile String broken;
  private Thread dispatcher;

  private ChatServer(ServeOptions options, ServeListener listener) {
    this.options = options;
    this.listener = listener;
    this.queue = new RequestQueue(options.queue());
    this.reader =
        new RequestReader(
            options.maxTokens(),
            ImageDecoder.create().withMaxPixels(options.maxImagePixels()),
            options.maxBodyBytes());
    this.expectedAuthorization =
        options.apiKey() == null
            ? null
            : ("Bearer " + options.apiKey()).getBytes(StandardCharsets.UTF_8);
    try {
      this.http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 128);
    } catch (BindException e) {
      throw new VlevalException(
          "cannot listen on "
              + options.host()
              + ":"
              + options.port()
              + ": "
              + e.getMessage()
              + "; choose another --port (0 picks a free one) or --host");
    } catch (IOException e) {
      throw new VlevalException(
          "cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
    }
    this.handlers = Executors.newFixedThreadPool(options.handlerThreads(), daemons("http"));
    this.repliers = Executors.newFixedThreadPool(2, daemons("reply"));
    http.setExecutor(handlers);
    http.createContext("/", this::handle);
    http.start();
  }

  /**
   * Listens now and answers API requests 503 until {@link #serve} names the model: the command
   * opens the port before loading weights, so clients can tell loading from down.
   */
  public static ChatServer open(ServeOptions options, ServeListener listener) {
    return new ChatServer(options, listener);
  }

  /** Listens and serves {@code chat} under the name {@code model}. */
  public static ChatServer start(String model, ImageChat chat, ServeOptions options) {
    return start(model, chat, options, ServeListener.NONE);
  }

  /** Listens and serves {@code chat} under the name {@code model}, telling {@code listener}. */
  public static ChatServer start(
      String model, ImageChat chat, ServeOptions options, ServeListener listener) {
    ChatServer server = open(options, listener);
    server.serve(model, chat);
    return server;
  }

  /**
   * Starts answering with {@code chat}, served as {@code model}. Does nothing when the server was
   * closed meanwhile (a signal while the model loaded).
   */
  public synchronized void serve(String model, ImageChat chat) {
    if (state == State.CLOSING || state == State.CLOSED) {
      return;
    }
    if (state != State.LOADING) {
      throw new IllegalStateException("serve() once, on an opened server");
    }
    this.model = model;
    this.chat = chat;
    dispatcher = new Thread(this::dispatch, "vleval-serve-dispatcher");
    dispatcher.setDaemon(true);
    dispatcher.start();
    state = State.READY;
  }

  /** The bound address (with the port picked when the options said 0). */
  public InetSocketAddress address() {
    return http.getAddress();
  }

  /** The base URL clients are given: {@code http://HOST:PORT/v1}. */
  public URI baseUrl() {
    InetSocketAddress a = address();
    String host = a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + a.getPort() + "/v1");
  }

  public ServeOptions options() {
    return options;
  }

  /** Requests waiting for the model now. */
  public int waiting() {
    return queue.size();
  }

  /**
   * Stops: new requests are answered 503, waiting ones 503, the batch the model is answering is
   * finished and sent, then the port is closed. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (state == State.CLOSING || state == State.CLOSED) {
        return;
      }
      state = State.CLOSING;
    }
    for (Pending p : queue.close()) {
      p.reply().completeExceptionally(shuttingDown());
    }
    boolean interrupted = false;
    try {
      if (dispatcher != null) {
        while (dispatcher.isAlive()) {
          try {
            dispatcher.join();
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
      repliers.shutdown();
      try {
        repliers.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
      http.stop(1);
      handlers.shutdownNow();
    } finally {
      state = State.CLOSED;
      closed.countDown();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Waits until {@link #close} has finished. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  // ---- HTTP ----

  private void handle(HttpExchange exchange) {
    try {
      route(exchange);
    } catch (ApiError e) {
      send(exchange, e.status(), Replies.error(e), null, e.status() == 429 || e.status() == 503);
    } catch (IOException e) {
      listener.replyFailed(null, e);
      exchange.close();
    } catch (RuntimeException e) {
      listener.modelFailed(List.of(), e);
      send(exchange, 500, Replies.error(internal()), null, false);
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (path.equals("/health")) {
      allow(exchange, "GET");
      State s = state;
      boolean up = s == State.READY && broken == null;
      send(
          exchange,
          up ? 200 : 503,
          Replies.health(
              up ? "ready" : broken != null ? "failed" : s.name().toLowerCase(Locale.ROOT)),
          null,
          !up);
      return;
    }
    if (!path.equals("/v1") && !path.startsWith("/v1/")) {
      throw notFound(path);
    }
    authorize(exchange);
    if (path.equals("/v1/chat/completions")) {
      allow(exchange, "POST");
      available();
      completion(exchange);
    } else if (path.equals("/v1/models")) {
      allow(exchange, "GET");
      available();
      send(exchange, 200, Replies.models(model, created), null, false);
    } else if (path.startsWith("/v1/models/")) {
      allow(exchange, "GET");
      available();
      String id = path.substring("/v1/models/".length());
      if (!id.equals(model)) {
        throw unknownModel(id);
      }
      send(exchange, 200, Replies.oneModel(model, created), null, false);
    } else {
      throw notFound(path);
    }
  }

  private void completion(HttpExchange exchange) throws IOException {
    ChatCall call = reader.read(body(exchange));
    if (!call.model().equals(model)) {
      throw unknownModel(call.model());
    }
    String id = "chatcmpl-" + idPrefix + "-" + ids.incrementAndGet();
    Pending pending = new Pending(id, call, new CompletableFuture<>());
    String served = model;
    // the reply is sent from the dispatcher's side, so the exchange stays open until then; the
    // callback is in place before the request can be answered (a closing server answers at once)
    pending
        .reply()
        .whenCompleteAsync(
            (text, failure) -> {
              if (failure == null) {
                send(exchange, 200, Replies.completion(id, now(), served, text), id, false);
              } else {
                ApiError e = failure instanceof ApiError a ? a : internal();
                send(exchange, e.status(), Replies.error(e), id, e.status() == 503);
              }
            },
            repliers);
    switch (queue.offer(pending)) {
      case FULL ->
          throw new ApiError(
              429,
              ApiError.RATE_LIMIT,
              null,
              "queue_full",
              "the server's queue is full ("
                  + queue.capacity()
                  + " requests wait for the model); retry later (vleval serve --queue sets the"
                  + " bound)");
      case CLOSED -> throw shuttingDown();
      case QUEUED -> {}
    }
  }

  private byte[] body(HttpExchange exchange) throws IOException {
    long limit = options.maxBodyBytes();
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.strip());
      } catch (NumberFormatException e) {
        throw ApiError.badRequest(
            null, "the Content-Length header is '" + length + "'; expected a number of bytes");
      }
      if (declared > limit) {
        throw tooLarge(Long.toString(declared));
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes((int) limit + 1);
      if (body.length > limit) {
        throw tooLarge("more than " + limit);
      }
      return body;
    }
  }

  private ApiError tooLarge(String size) {
    return new ApiError(
        413,
        ApiError.INVALID_REQUEST,
        null,
        "request_too_large",
        "the request body is "
            + size
            + " bytes, more than this server's limit of "
            + options.maxBodyBytes()
            + " bytes (vleval serve --max-body-bytes)");
  }

  private void authorize(HttpExchange exchange) {
    if (expectedAuthorization == null) {
      return;
    }
    String given = exchange.getRequestHeaders().getFirst("Authorization");
    if (given == null
        || !MessageDigest.isEqual(
            given.strip().getBytes(StandardCharsets.UTF_8), expectedAuthorization)) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      throw new ApiError(
          401,
          ApiError.INVALID_REQUEST,
          null,
          "invalid_api_key",
          given == null
              ? "missing API key: send the header Authorization: Bearer <key>"
              : "incorrect API key in the Authorization header");
    }
  }

  private static void allow(HttpExchange exchange, String allowed) {
    String method = exchange.getRequestMethod();
    if (!method.equals(allowed)) {
      exchange.getResponseHeaders().set("Allow", allowed);
      throw new ApiError(
          405,
          ApiError.INVALID_REQUEST,
          null,
          "method_not_allowed",
          method + " " + exchange.getRequestURI().getPath() + " is not allowed; use " + allowed);
    }
  }

  private void available() {
    if (broken != null) {
      throw new ApiError(
          503,
          ApiError.SERVER_ERROR,
          null,
          "model_unavailable",
          "the model stopped answering after a fatal error (" + broken + "); restart the server");
    }
    switch (state) {
      case LOADING ->
          throw new ApiError(
              503,
              ApiError.SERVER_ERROR,
              null,
              "model_loading",
              "the model is loading; retry in a few seconds");
      case CLOSING, CLOSED -> throw shuttingDown();
      case READY -> {}
    }
  }

  private static ApiError shuttingDown() {
    return new ApiError(
        503, ApiError.SERVER_ERROR, null, "shutting_down", "the server is shutting down");
  }

  private static ApiError notFound(String path) {
    return new ApiError(
        404,
        ApiError.INVALID_REQUEST,
        null,
        "unknown_url",
        "unknown path "
            + path
            + "; this server answers GET /v1/models, POST /v1/chat/completions and GET /health");
  }

  private ApiError unknownModel(String name) {
    return new ApiError(
        404,
        ApiError.INVALID_REQUEST,
        "model",
        "model_not_found",
        "the model '" + name + "' is not served here; this server serves '" + model + "'");
  }

  private static ApiError internal() {
    return new ApiError(
        500,
        ApiError.SERVER_ERROR,
        null,
        "internal_error",
        "the server failed on this request; its console has the details");
  }

  private void send(HttpExchange exchange, int status, byte[] body, String id, boolean retry) {
    try {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      if (retry) {
        exchange.getResponseHeaders().set("Retry-After", "1");
      }
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException e) {
      listener.replyFailed(id, e);
    } finally {
      exchange.close();
    }
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  // ---- the model ----

  private void dispatch() {
    List<Pending> batch = List.of();
    try {
      while (true) {
        batch = queue.takeBatch(options.batchSize());
        if (batch.isEmpty()) {
          return;
        }
        answer(batch);
        batch = List.of();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Error e) {
      // the JVM is in trouble (out of memory, a native crash reported as an error): stop taking
      // requests, answer everything that waits, and let the error end this thread
      broken = e.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2");
      ApiError gone = new ApiError(503, ApiError.SERVER_ERROR, null, "model_unavailable", broken);
      for (Pending p : batch) {
        p.reply().completeExceptionally(gone);
      }
      for (Pending p : queue.close()) {
        p.reply().completeExceptionally(gone);
      }
      throw e;
    }
  }

  private void answer(List<Pending> batch) {
    List<ChatRequest> requests = new ArrayList<>();
    for (Pending p : batch) {
      requests.add(p.call().request());
    }
    GenerationSettings settings = batch.get(0).call().settings();
    List<String> replies;
    try {
      replies = chat.respond(requests, settings);
      if (replies == null || replies.size() != batch.size() || replies.contains(null)) {
        throw new IllegalStateException(
            "the model gave "
                + (replies == null ? "no list of" : replies.size())
                + " replies to "
                + batch.size()
                + " requests");
      }
    } catch (RuntimeException e) {
      if (batch.size() > 1) {
        for (Pending p : batch) {
          answer(List.of(p));
        }
        return;
      }
      listener.modelFailed(List.of(batch.get(0).id()), e);
      batch.get(0).reply().completeExceptionally(modelFailed(e));
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).reply().complete(replies.get(i));
    }
  }

  private static ApiError modelFailed(RuntimeException e) {
    return new ApiError(
        500,
        ApiError.SERVER_ERROR,
        null,
        "model_error",
        e instanceof VlevalException
            ? "the model failed on this request: " + e.getMessage()
            : "the model failed on this request with an internal error; the server's console has"
                + " the details");
  }

  private static ThreadFactory daemons(String role) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "vleval-serve-" + role + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
