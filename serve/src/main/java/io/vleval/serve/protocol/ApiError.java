package io.vleval.serve.protocol;

/**
 * A request the server answers with an error in OpenAI's shape: {@code {"error": {"message",
 * "type", "param", "code"}}} with an HTTP status. The message is one line for the client; it names
 * the place in the request ({@code param}) and what was expected, never a Java class or a trace.
 */
public final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** OpenAI's type for a request the client must change. */
  public static final String INVALID_REQUEST = "invalid_request_error";

  /** The type of a failure on the server's side (model failure, loading, shutting down). */
  public static final String SERVER_ERROR = "server_error";

  /** The type of a request refused because the queue is full; retry later. */
  public static final String RATE_LIMIT = "rate_limit_error";

  private final int status;
  private final String type;
  private final String param;
  private final String code;

  public ApiError(int status, String type, String param, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
  }

  /** 400: the request is malformed; {@code param} names where (JSON path), or null. */
  public static ApiError badRequest(String param, String message) {
    return new ApiError(400, INVALID_REQUEST, param, null, message);
  }

  /** 400 with a machine-readable code. */
  public static ApiError badRequest(String param, String code, String message) {
    return new ApiError(400, INVALID_REQUEST, param, code, message);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  /** Where in the request the problem is, as a JSON path ({@code messages[0].content}), or null. */
  public String param() {
    return param;
  }

  public String code() {
    return code;
  }
}
