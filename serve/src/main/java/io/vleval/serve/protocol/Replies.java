package io.vleval.serve.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/** The JSON bodies the server sends, in OpenAI's shapes. */
public final class Replies {
  private static final JsonMapper JSON = new JsonMapper();

  private Replies() {}

  /**
   * A chat completion: {@code id}, {@code object: chat.completion}, {@code created}, {@code model},
   * one choice with the assistant's message and {@code finish_reason}. Token counts ({@code usage})
   * are left out: the chat capability does not report them.
   */
  public static byte[] completion(String id, long created, String model, String content) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", id);
    root.put("object", "chat.completion");
    root.put("created", created);
    root.put("model", model);
    ArrayNode choices = root.putArray("choices");
    ObjectNode choice = choices.addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.put("content", content);
    message.putNull("refusal");
    choice.putNull("logprobs");
    choice.put("finish_reason", "stop");
    return bytes(root);
  }

  /** {@code GET /v1/models}: the one served model. */
  public static byte[] models(String model, long created) {
    ObjectNode root = JSON.createObjectNode();
    root.put("object", "list");
    root.putArray("data").add(model(model, created));
    return bytes(root);
  }

  /** {@code GET /v1/models/{id}}. */
  public static byte[] oneModel(String model, long created) {
    return bytes(model(model, created));
  }

  private static ObjectNode model(String model, long created) {
    ObjectNode m = JSON.createObjectNode();
    m.put("id", model);
    m.put("object", "model");
    m.put("created", created);
    m.put("owned_by", "vleval");
    return m;
  }

  /** OpenAI's error shape: {@code {"error": {"message", "type", "param", "code"}}}. */
  public static byte[] error(ApiError e) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", e.getMessage());
    error.put("type", e.type());
    error.put("param", e.param());
    error.put("code", e.code());
    return bytes(root);
  }

  /** {@code GET /health}: {@code {"status": ...}}. */
  public static byte[] health(String status) {
    ObjectNode root = JSON.createObjectNode();
    root.put("status", status);
    return bytes(root);
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain values always serializes", e);
    }
  }
}
