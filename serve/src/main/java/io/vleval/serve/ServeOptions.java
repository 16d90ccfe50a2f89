package io.vleval.serve;

import io.vleval.datasets.image.ImageDecoder;

/**
 * How the server listens and what it bounds. Together, {@code queue}, {@code maxImagePixels},
 * {@code maxBodyBytes} and {@code handlerThreads} bound the memory requests can take: at most
 * {@code queue} requests wait, each holding one decoded image of at most {@code 3 * maxImagePixels}
 * bytes and its prompt, and at most {@code handlerThreads} bodies of at most {@code maxBodyBytes}
 * are read and decoded at once.
 *
 * @param host the address to listen on ({@code 127.0.0.1}: this machine only)
 * @param port the port; 0 picks a free one ({@link ChatServer#address()} tells which)
 * @param queue requests that may wait for the model; one more is answered 429
 * @param batchSize the most waiting requests (with equal decoding settings) given to the model in
 *     one call
 * @param maxTokens new tokens a reply gets when the request names none, and the most it may ask
 * @param maxBodyBytes the largest request body read; a larger one is answered 413
 * @param maxImagePixels the largest image (width x height) decoded; checked from its header
 * @param handlerThreads threads that read, check and decode requests
 * @param apiKey when not null, every {@code /v1} request must carry {@code Authorization: Bearer
 *     <apiKey>}; never printed
 */
public record ServeOptions(
    String host,
    int port,
    int queue,
    int batchSize,
    int maxTokens,
    long maxBodyBytes,
    long maxImagePixels,
    int handlerThreads,
    String apiKey) {

  public static final String LOOPBACK = "127.0.0.1";
  public static final int DEFAULT_QUEUE = 16;
  public static final int DEFAULT_BATCH_SIZE = 8;
  public static final int DEFAULT_MAX_TOKENS = 512;
  public static final long DEFAULT_MAX_BODY_BYTES = 20L << 20;
  public static final long DEFAULT_MAX_IMAGE_PIXELS = 4096L * 4096;
  public static final int DEFAULT_HANDLER_THREADS = 4;

  public ServeOptions {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must be given");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    }
    positive("queue", queue);
    positive("batchSize", batchSize);
    positive("maxTokens", maxTokens);
    positive("maxBodyBytes", maxBodyBytes);
    positive("handlerThreads", handlerThreads);
    if (maxImagePixels < 1 || maxImagePixels > ImageDecoder.MAX_PIXELS) {
      throw new IllegalArgumentException(
          "maxImagePixels must be in [1, " + ImageDecoder.MAX_PIXELS + "], got " + maxImagePixels);
    }
    if (maxBodyBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "maxBodyBytes must be below 2 GiB (one array holds the body), got " + maxBodyBytes);
    }
    if (apiKey != null && apiKey.isEmpty()) {
      throw new IllegalArgumentException("an API key, when given, must not be empty");
    }
  }

  private static void positive(String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
  }

  /** Loopback, an ephemeral port, the default bounds, no API key. */
  public static ServeOptions defaults() {
    return new ServeOptions(
        LOOPBACK,
        0,
        DEFAULT_QUEUE,
        DEFAULT_BATCH_SIZE,
        DEFAULT_MAX_TOKENS,
        DEFAULT_MAX_BODY_BYTES,
        DEFAULT_MAX_IMAGE_PIXELS,
        DEFAULT_HANDLER_THREADS,
        null);
  }

  public ServeOptions withHost(String host) {
    return new ServeOptions(
        host,
        port,
        queue,
        batchSize,
        maxTokens,
        maxBodyBytes,
        maxImagePixels,
        handlerThreads,
        apiKey);
  }

  public ServeOptions withPort(int port) {
    return new ServeOptions(
        host,
        port,
        queue,
        batchSize,
        maxTokens,
        maxBodyBytes,
        maxImagePixels,
        handlerThreads,
        apiKey);
  }

  public ServeOptions withQueue(int queue) {
    return new ServeOptions(
        host,
        port,
        queue,
        batchSize,
        maxTokens,
        maxBodyBytes,
        maxImagePixels,
        handlerThreads,
        apiKey);
  }

  public ServeOptions withBatchSize(int batchSize) {
    return new ServeOptions(
        host,
        port,
        queue,
        batchSize,
        maxTokens,
        maxBodyBytes,
        maxImagePixels,
        handlerThreads,
        apiKey);
  }

  public ServeOptions withMaxTokens(int maxTokens) {
    return new ServeOptions(
        host,
        port,
        queue,
        batchSize,
        maxTokens,
        maxBodyBytes,
        maxImagePixels,
        handlerThreads,
        apiKey);
  }

  public ServeOptions withMaxBodyBytes(long maxBodyBytes) {
    return new ServeOptions(
        host,
        port,
        queue,
        batchSize,
        maxTokens,
        maxBodyBytes,
        maxImagePixels,
        handlerThreads,
        apiKey);
  }

  public ServeOptions withMaxImagePixels(long maxImagePixels) {
    return new ServeOptions(
        host,
        port,
        queue,
        batchSize,
        maxTokens,
        maxBodyBytes,
        maxImagePixels,
        handlerThreads,
        apiKey);
  }

  public ServeOptions withHandlerThreads(int handlerThreads) {
    return new ServeOptions(
        host,
        port,
        queue,
        batchSize,
        maxTokens,
        maxBodyBytes,
        maxImagePixels,
        handlerThreads,
        apiKey);
  }

  public ServeOptions withApiKey(String apiKey) {
    return new ServeOptions(
        host,
        port,
        queue,
        batchSize,
        maxTokens,
        maxBodyBytes,
        maxImagePixels,
        handlerThreads,
        apiKey);
  }

  /** The most bytes waiting requests can hold: {@code queue} decoded images and prompts. */
  public long queuedBytesBound() {
    return queue * (3 * maxImagePixels + 2 * maxBodyBytes);
  }

  /** Every option but the API key, which is only said to be set. */
  @Override
  public String toString() {
    return "ServeOptions[host="
        + host
        + ", port="
        + port
        + ", queue="
        + queue
        + ", batchSize="
        + batchSize
        + ", maxTokens="
        + maxTokens
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", maxImagePixels="
        + maxImagePixels
        + ", handlerThreads="
        + handlerThreads
        + ", apiKey="
        + (apiKey == null ? "none" : "(set)")
        + "]";
  }
}
