package io.vleval.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.api.sample.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import javax.imageio.ImageIO;

/** A JDK HttpClient speaking to a {@link ChatServer}, and request bodies for it, for tests. */
final class Api {
  static final JsonMapper JSON = new JsonMapper();

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final URI base;

  Api(ChatServer server) {
    this.base = server.baseUrl();
  }

  /** A response: status, JSON body, headers. */
  record Reply(int status, JsonNode json, HttpResponse<String> raw) {
    String content() {
      return json.path("choices").path(0).path("message").path("content").asText(null);
    }

    JsonNode error() {
      return json.path("error");
    }
  }

  Reply post(String path, String body) {
    return post(path, body, null);
  }

  Reply post(String path, String body, String authorization) {
    return postAsync(path, body, authorization).join();
  }

  CompletableFuture<Reply> postAsync(String path, String body, String authorization) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(120))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).thenApply(Api::reply);
  }

  Reply get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  Reply send(HttpRequest.Builder request) {
    return client
        .sendAsync(
            request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(Api::reply)
        .join();
  }

  URI uri(String path) {
    // base is http://host:port/v1; paths here are absolute (/v1/models, /health)
    return base.resolve(path);
  }

  private static Reply reply(HttpResponse<String> r) {
    try {
      return new Reply(r.statusCode(), JSON.readTree(r.body()), r);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON (" + r.statusCode() + "): " + r.body(), e);
    }
  }

  /** A chat completion body: one user message with the text and, when given, the image. */
  static ObjectNode chat(String model, String text, byte[] png) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", model);
    ArrayNode content =
        root.putArray("messages").addObject().put("role", "user").putArray("content");
    if (png != null) {
      content
          .addObject()
          .put("type", "image_url")
          .putObject("image_url")
          .put("url", "data:image/png;base64," + Base64.getEncoder().encodeToString(png));
    }
    content.addObject().put("type", "text").put("text", text);
    return root;
  }

  /** PNG bytes of the image (lossless, so the server decodes the same pixels). */
  static byte[] png(RgbImage image) {
    BufferedImage b = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
    byte[] rgb = image.rgb();
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++) {
        int o = (y * image.width() + x) * 3;
        b.setRGB(x, y, (rgb[o] & 0xFF) << 16 | (rgb[o + 1] & 0xFF) << 8 | (rgb[o + 2] & 0xFF));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(b, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
