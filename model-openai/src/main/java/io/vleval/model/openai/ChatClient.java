package io.vleval.model.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.error.VlevalException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * Posts chat completion bodies to one server and returns the reply text, retrying what may pass
 * (429, 5xx, connection errors, timeouts) and failing with one line that names the server, the
 * served model and what to fix. The API key travels only in the {@code Authorization} header; every
 * message this class writes has it scrubbed out, should a server echo it.
 */
final class ChatClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MESSAGE_CHARS = 300;

  private final OpenAiCompatibleProvider.Spec spec;
  private final URI endpoint;
  private final String apiKey;
  private final Backoff backoff;
  private final HttpClient http;

  ChatClient(OpenAiCompatibleProvider.Spec spec, String apiKey, Backoff backoff) {
    this.spec = spec;
    String base = spec.baseUrl().toString();
    this.endpoint = URI.create((base.endsWith("/") ? base : base + "/") + "chat/completions");
    this.apiKey = apiKey;
    this.backoff = backoff;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(spec.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The text of the first choice of the reply to {@code body}. */
  String complete(String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(spec.timeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    HttpRequest built = request.build();
    int attempts = spec.maxRetries() + 1;
    String last = null;
    for (int attempt = 1; ; attempt++) {
      Duration retryAfter = null;
      try {
        HttpResponse<String> response =
            http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status == 200) {
          return replyText(response.body());
        }
        if (status != 429 && status < 500) {
          throw refused(status, response.body());
        }
        last =
            "HTTP " + status + serverMessage(response.body()).map(m -> " (" + m + ")").orElse("");
        retryAfter = retryAfter(response.headers().firstValue("Retry-After").orElse(null));
      } catch (HttpTimeoutException e) {
        last =
            "no reply within timeout_s " + String.format(Locale.ROOT, "%s", spec.timeoutS()) + " s";
      } catch (ConnectException e) {
        last = "connection refused (is the server running, and is base_url right?)";
      } catch (IOException e) {
        last = "connection error: " + scrub(e.getMessage() == null ? e.toString() : e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new VlevalException(prefix() + "interrupted while waiting for a reply", e);
      }
      if (attempt >= attempts) {
        throw new VlevalException(
            prefix()
                + last
                + (attempts > 1
                    ? "; gave up after "
                        + attempts
                        + " attempts (max_retries "
                        + spec.maxRetries()
                        + ")"
                    : ""));
      }
      sleep(backoff.delayMillis(attempt, retryAfter));
    }
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VlevalException(prefix() + "interrupted while waiting to retry", e);
    }
  }

  /** A refusal no retry can change: authentication, a missing model, a bad request. */
  private VlevalException refused(int status, String body) {
    String server = serverMessage(body).map(m -> " (the server says: " + m + ")").orElse("");
    if (status == 401 || status == 403) {
      return new VlevalException(
          prefix()
              + "HTTP "
              + status
              + ", the server refused the request's credentials"
              + server
              + "; "
              + (spec.apiKeyEnv() != null
                  ? "check the API key in the environment variable " + spec.apiKeyEnv()
                  : "it needs an API key: put it in an environment variable and name that"
                      + " variable in api_key_env"));
    }
    if (status == 404) {
      return new VlevalException(
          prefix()
              + "HTTP 404, model '"
              + spec.model()
              + "' or the endpoint "
              + endpoint
              + " was not found"
              + server
              + "; check 'model' against the server's /v1/models and that base_url ends at the"
              + " API root (e.g. /v1)");
    }
    return new VlevalException(prefix() + "HTTP " + status + " for a chat completion" + server);
  }

  private String replyText(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new VlevalException(
          prefix()
              + "the reply is not JSON: "
              + excerpt(body)
              + "; is base_url an OpenAI-compatible API?");
    }
    JsonNode choices = root == null ? null : root.get("choices");
    if (choices == null || !choices.isArray() || choices.isEmpty()) {
      throw new VlevalException(
          prefix()
              + "the reply has no choices, so there is no answer to read; the server answered: "
              + excerpt(body));
    }
    JsonNode content = choices.get(0).path("message").path("content");
    if (content.isTextual()) {
      return content.asText();
    }
    if (content.isArray()) {
      // a list of content parts: their texts in order
      StringBuilder text = new StringBuilder();
      for (JsonNode part : content) {
        if (part.path("text").isTextual()) {
          text.append(part.get("text").asText());
        }
      }
      return text.toString();
    }
    if (content.isMissingNode() || content.isNull()) {
      // a message without content (a refusal, a tool call): no text
      return "";
    }
    throw new VlevalException(
        prefix() + "choices[0].message.content of the reply is not text: " + excerpt(body));
  }

  private Optional<String> serverMessage(String body) {
    if (body == null || body.isBlank()) {
      return Optional.empty();
    }
    try {
      JsonNode root = JSON.readTree(body);
      for (JsonNode m :
          new JsonNode[] {
            root.path("error").path("message"),
            root.path("message"),
            root.path("detail"),
            root.path("error")
          }) {
        if (m.isTextual() && !m.asText().isBlank()) {
          return Optional.of(oneLine(m.asText()));
        }
      }
    } catch (IOException e) {
      // not JSON: the body itself is the message
      return Optional.of(oneLine(body));
    }
    return Optional.of(oneLine(body));
  }

  private String excerpt(String body) {
    return body == null || body.isBlank() ? "(an empty body)" : oneLine(body);
  }

  private String oneLine(String text) {
    String flat = scrub(text).replaceAll("\\s+", " ").strip();
    return flat.length() > MESSAGE_CHARS ? flat.substring(0, MESSAGE_CHARS) + "..." : flat;
  }

  /** {@code text} with the API key, should it occur, replaced by {@code ***}. */
  String scrub(String text) {
    return apiKey == null || apiKey.isEmpty() ? text : text.replace(apiKey, "***");
  }

  String prefix() {
    return "openai-compatible model '" + spec.model() + "' at " + spec.baseUrl() + ": ";
  }

  /** {@code Retry-After} as seconds or an HTTP date; {@code null} when absent or unreadable. */
  static Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String h = header.strip();
    try {
      return Duration.ofMillis(Math.round(Double.parseDouble(h) * 1000));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime when = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(ZonedDateTime.now(when.getZone()), when);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException unreadable) {
        return null;
      }
    }
  }
}
