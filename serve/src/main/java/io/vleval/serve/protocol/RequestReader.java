package io.vleval.serve.protocol;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.sample.RgbImage;
import io.vleval.datasets.image.ImageDecoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@code POST /v1/chat/completions} body into a {@link ChatCall}, refusing with a 400
 * {@link ApiError} that names the place ({@code param}) whatever the model cannot honour.
 *
 * <p>What is read: {@code model}; {@code messages} holding exactly one {@code user} message whose
 * content is a string or a list of parts ({@code text}, and at most one {@code image_url} with a
 * {@code data:image/...;base64,} URL); {@code max_completion_tokens} or {@code max_tokens} (the
 * server's limit when absent); vLLM's {@code min_tokens}. Decoding is greedy, so {@code
 * temperature} must be absent or 0, {@code n} 1, {@code stream} false. Arguments that cannot change
 * a greedy reply ({@code top_p}, {@code seed}, {@code user}, {@code metadata}, {@code store},
 * {@code service_tier}, {@code stream_options}, {@code parallel_tool_calls}) are accepted and
 * ignored; those that would ({@code stop}, penalties, {@code logprobs}, {@code logit_bias}, tools,
 * a JSON {@code response_format}) are refused unless neutral. JSON {@code null} counts as absent.
 */
public final class RequestReader {

  private static final Set<String> IGNORED =
      Set.of(
          "top_p",
          "seed",
          "user",
          "metadata",
          "store",
          "service_tier",
          "stream_options",
          "parallel_tool_calls");
  private static final Set<String> READ =
      Set.of(
          "model",
          "messages",
          "max_tokens",
          "max_completion_tokens",
          "min_tokens",
          "temperature",
          "n",
          "stream",
          "stop",
          "frequency_penalty",
          "presence_penalty",
          "logprobs",
          "top_logprobs",
          "logit_bias",
          "response_format",
          "tools",
          "tool_choice",
          "functions",
          "function_call");

  private final JsonMapper json;
  private final ImageDecoder decoder;
  private final int maxTokens;

  /**
   * @param maxTokens the tokens a reply gets when the request names none, and the most it may ask
   * @param decoder decodes data-URL images (its pixel limit bounds their memory)
   * @param maxBodyBytes the largest body the server reads: the longest string JSON may hold
   */
  public RequestReader(int maxTokens, ImageDecoder decoder, long maxBodyBytes) {
    if (maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be at least 1, got " + maxTokens);
    }
    this.maxTokens = maxTokens;
    this.decoder = decoder;
    int longest = (int) Math.min(Integer.MAX_VALUE, Math.max(maxBodyBytes, 1));
    this.json =
        JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    json.getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxStringLength(longest).maxNestingDepth(64).build());
  }

  /** The call the body asks for, or a 400 {@link ApiError} naming what is wrong and where. */
  public ChatCall read(byte[] body) {
    JsonNode root = parse(body);
    if (!root.isObject()) {
      throw ApiError.badRequest(
          null, "the request body must be a JSON object, found " + describe(root));
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!READ.contains(key) && !IGNORED.contains(key)) {
        throw ApiError.badRequest(
            key,
            "unrecognized_argument",
            "unrecognized request argument '"
                + key
                + "'; this server reads model, messages, max_tokens, max_completion_tokens,"
                + " min_tokens, temperature, n, stream and the neutral values of the other"
                + " OpenAI arguments");
      }
    }
    String model = requiredString(root, "model");
    refuseNonNeutral(root);
    GenerationSettings settings = settings(root);
    JsonNode messages = present(root, "messages");
    if (messages == null) {
      throw ApiError.badRequest("messages", "missing required argument 'messages'");
    }
    if (!messages.isArray() || messages.isEmpty()) {
      throw ApiError.badRequest(
          "messages",
          "'messages' must be a non-empty list of messages, found " + describe(messages));
    }
    JsonNode user = null;
    for (int i = 0; i < messages.size(); i++) {
      String where = "messages[" + i + "]";
      JsonNode m = messages.get(i);
      if (!m.isObject()) {
        throw ApiError.badRequest(where, where + " must be an object, found " + describe(m));
      }
      String role = requiredString(m, "role", where + ".role");
      switch (role) {
        case "user" -> {
          if (user != null) {
            throw ApiError.badRequest(where, multiTurn(where));
          }
          user = m;
        }
        case "system", "developer" ->
            throw ApiError.badRequest(
                where,
                "unsupported_message",
                where
                    + " is a "
                    + role
                    + " message, which is not supported: the model takes one prompt and its"
                    + " conversation template sets its own system prompt; put the instruction in"
                    + " the user message");
        case "assistant", "tool", "function" -> throw ApiError.badRequest(where, multiTurn(where));
        default ->
            throw ApiError.badRequest(
                where + ".role",
                where + ".role is '" + role + "'; expected 'user' (one user message per request)");
      }
      for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!key.equals("role") && !key.equals("content") && !key.equals("name")) {
          throw ApiError.badRequest(
              where + "." + key,
              "unrecognized field '" + key + "' in " + where + "; expected role, content, name");
        }
      }
    }
    int index = indexOf(messages, user);
    return content(model, user, "messages[" + index + "]", settings);
  }

  private static String multiTurn(String where) {
    return where
        + ": multi-turn history is not supported: the model answers one user message about at"
        + " most one image; send the whole request as a single user message";
  }

  private static int indexOf(JsonNode messages, JsonNode user) {
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i) == user) {
        return i;
      }
    }
    throw new IllegalStateException("the user message is one of the messages");
  }

  private ChatCall content(
      String model, JsonNode message, String where, GenerationSettings settings) {
    JsonNode content = present(message, "content");
    if (content == null) {
      throw ApiError.badRequest(where + ".content", "missing " + where + ".content");
    }
    if (content.isTextual()) {
      return new ChatCall(model, null, content.textValue(), settings);
    }
    if (!content.isArray()) {
      throw ApiError.badRequest(
          where + ".content",
          where
              + ".content must be a string or a list of content parts, found "
              + describe(content));
    }
    List<String> texts = new ArrayList<>();
    RgbImage image = null;
    String imagePlace = null;
    for (int i = 0; i < content.size(); i++) {
      String place = where + ".content[" + i + "]";
      JsonNode part = content.get(i);
      if (!part.isObject()) {
        throw ApiError.badRequest(
            place, place + " must be a content part object, found " + describe(part));
      }
      String type = requiredString(part, "type", place + ".type");
      switch (type) {
        case "text" -> {
          only(part, place, "type", "text");
          texts.add(requiredString(part, "text", place + ".text"));
        }
        case "image_url" -> {
          only(part, place, "type", "image_url");
          if (image != null) {
            throw ApiError.badRequest(
                place,
                place
                    + " is a second image; the model answers about at most one image per"
                    + " request (the first is "
                    + imagePlace
                    + ")");
          }
          image = image(part, place);
          imagePlace = place;
        }
        default ->
            throw ApiError.badRequest(
                place + ".type", place + ".type is '" + type + "'; expected 'text' or 'image_url'");
      }
    }
    if (texts.isEmpty() && image == null) {
      throw ApiError.badRequest(
          where + ".content", where + ".content has no text and no image; expected at least one");
    }
    return new ChatCall(model, image, String.join("\n", texts), settings);
  }

  private RgbImage image(JsonNode part, String place) {
    JsonNode holder = present(part, "image_url");
    if (holder == null || !holder.isObject()) {
      throw ApiError.badRequest(
          place + ".image_url",
          place
              + ".image_url must be an object {\"url\": \"data:image/png;base64,...\"}, found "
              + (holder == null ? "nothing" : describe(holder)));
    }
    for (Iterator<String> it = holder.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.equals("url") && !key.equals("detail")) {
        throw ApiError.badRequest(
            place + ".image_url." + key,
            "unrecognized field '" + key + "' in " + place + ".image_url; expected url, detail");
      }
    }
    String where = place + ".image_url.url";
    String url = requiredString(holder, "url", where);
    String lower = url.substring(0, Math.min(url.length(), 16)).toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      throw ApiError.badRequest(
          where,
          "remote_image_url",
          where
              + " is a remote URL, which this server does not fetch (it reaches no network);"
              + " send the image inline as a data URL: data:image/png;base64,...");
    }
    if (!lower.startsWith("data:")) {
      throw ApiError.badRequest(
          where,
          "invalid_image_url",
          where + " must be a data URL (data:image/png;base64,...), found a URL of another kind");
    }
    int comma = url.indexOf(',');
    String header = comma < 0 ? url : url.substring(5, comma);
    if (comma < 0
        || !header.toLowerCase(Locale.ROOT).startsWith("image/")
        || !header.toLowerCase(Locale.ROOT).endsWith(";base64")) {
      throw ApiError.badRequest(
          where,
          "invalid_image_url",
          where
              + " must be a base64 image data URL, data:image/<type>;base64,<data>; found a data"
              + " URL whose header is '"
              + (comma < 0 ? "(no comma)" : clip(header))
              + "'");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(url.substring(comma + 1));
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(
          where,
          "invalid_image",
          where + " holds invalid base64 (" + e.getMessage() + "); expected standard base64");
    }
    try {
      return decoder.decode(bytes, place + ".image_url");
    } catch (DatasetFormatException e) {
      throw ApiError.badRequest(where, "invalid_image", e.getMessage());
    }
  }

  private GenerationSettings settings(JsonNode root) {
    Integer max = positiveInt(root, "max_completion_tokens");
    Integer legacy = positiveInt(root, "max_tokens");
    if (max != null && legacy != null && !max.equals(legacy)) {
      throw ApiError.badRequest(
          "max_tokens",
          "max_tokens ("
              + legacy
              + ") and max_completion_tokens ("
              + max
              + ") disagree; send one of them");
    }
    int tokens = max != null ? max : legacy != null ? legacy : maxTokens;
    if (tokens > maxTokens) {
      throw ApiError.badRequest(
          max != null ? "max_completion_tokens" : "max_tokens",
          (max != null ? "max_completion_tokens" : "max_tokens")
              + " is "
              + tokens
              + ", more than this server's limit of "
              + maxTokens
              + " (vleval serve --max-tokens)");
    }
    JsonNode minNode = present(root, "min_tokens");
    int min = 0;
    if (minNode != null) {
      if (!minNode.canConvertToExactIntegral()
          || !minNode.canConvertToInt()
          || minNode.asInt() < 0) {
        throw ApiError.badRequest(
            "min_tokens", "min_tokens must be an integer >= 0, found " + describe(minNode));
      }
      min = minNode.asInt();
      if (min > tokens) {
        throw ApiError.badRequest(
            "min_tokens",
            "min_tokens (" + min + ") is more than the maximum of " + tokens + " new tokens");
      }
    }
    JsonNode temperature = present(root, "temperature");
    if (temperature != null) {
      if (!temperature.isNumber()) {
        throw ApiError.badRequest(
            "temperature", "temperature must be a number, found " + describe(temperature));
      }
      if (temperature.doubleValue() != 0.0) {
        throw ApiError.badRequest(
            "temperature",
            "temperature is "
                + temperature.asText()
                + "; this server decodes greedily, so temperature must be 0 or absent");
      }
    }
    JsonNode n = present(root, "n");
    if (n != null && !(n.canConvertToExactIntegral() && n.asInt() == 1 && n.isNumber())) {
      throw ApiError.badRequest(
          "n", "n is " + n.asText() + "; this server gives one choice per request, so n must be 1");
    }
    JsonNode stream = present(root, "stream");
    if (stream != null && !(stream.isBoolean() && !stream.booleanValue())) {
      throw ApiError.badRequest(
          "stream",
          "stream is "
              + stream.asText()
              + "; this server does not stream, so stream must be false or absent");
    }
    return new GenerationSettings(1, min, tokens, 1.0);
  }

  /** Arguments that would change the reply, refused unless absent or neutral. */
  private static void refuseNonNeutral(JsonNode root) {
    for (String key : List.of("frequency_penalty", "presence_penalty")) {
      JsonNode v = present(root, key);
      if (v != null && !(v.isNumber() && v.doubleValue() == 0.0)) {
        throw unsupported(key, "must be 0 or absent");
      }
    }
    JsonNode stop = present(root, "stop");
    if (stop != null && !(stop.isArray() && stop.isEmpty())) {
      throw unsupported("stop", "stop sequences are not supported; leave stop absent");
    }
    JsonNode logprobs = present(root, "logprobs");
    if (logprobs != null && !(logprobs.isBoolean() && !logprobs.booleanValue())) {
      throw unsupported("logprobs", "log probabilities are not reported; leave logprobs false");
    }
    if (present(root, "top_logprobs") != null) {
      throw unsupported("top_logprobs", "log probabilities are not reported");
    }
    JsonNode bias = present(root, "logit_bias");
    if (bias != null && !(bias.isObject() && bias.isEmpty())) {
      throw unsupported("logit_bias", "logit_bias is not supported; leave it absent");
    }
    JsonNode format = present(root, "response_format");
    if (format != null && !(format.isObject() && "text".equals(format.path("type").asText()))) {
      throw unsupported("response_format", "only {\"type\": \"text\"} is supported");
    }
    for (String key : List.of("tools", "functions")) {
      JsonNode v = present(root, key);
      if (v != null && !(v.isArray() && v.isEmpty())) {
        throw unsupported(key, "tool and function calls are not supported");
      }
    }
    for (String key : List.of("tool_choice", "function_call")) {
      JsonNode v = present(root, key);
      if (v != null && !(v.isTextual() && v.textValue().equals("none"))) {
        throw unsupported(key, "tool and function calls are not supported; use \"none\"");
      }
    }
  }

  private static ApiError unsupported(String key, String why) {
    return ApiError.badRequest(key, "unsupported_argument", key + ": " + why);
  }

  private JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw ApiError.badRequest(null, "the request body is empty; expected a JSON object");
    }
    try {
      JsonNode root = json.readTree(body);
      if (root == null || root.isMissingNode()) {
        throw ApiError.badRequest(null, "the request body is empty; expected a JSON object");
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw ApiError.badRequest(
          null,
          "invalid_json",
          "the request body is not valid JSON"
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
              + ": "
              + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new IllegalStateException("reading JSON from a byte array cannot do I/O", e);
    }
  }

  private static Integer positiveInt(JsonNode root, String key) {
    JsonNode v = present(root, key);
    if (v == null) {
      return null;
    }
    if (!v.isNumber() || !v.canConvertToExactIntegral() || !v.canConvertToInt() || v.asInt() < 1) {
      throw ApiError.badRequest(key, key + " must be an integer >= 1, found " + describe(v));
    }
    return v.asInt();
  }

  private static String requiredString(JsonNode node, String key) {
    return requiredString(node, key, key);
  }

  private static String requiredString(JsonNode node, String key, String where) {
    JsonNode v = present(node, key);
    if (v == null) {
      throw ApiError.badRequest(where, "missing required argument '" + where + "'");
    }
    if (!v.isTextual()) {
      throw ApiError.badRequest(where, where + " must be a string, found " + describe(v));
    }
    return v.textValue();
  }

  /** Refuses fields of a content part other than {@code allowed}. */
  private static void only(JsonNode part, String place, String... allowed) {
    List<String> keys = List.of(allowed);
    for (Iterator<Map.Entry<String, JsonNode>> it = part.fields(); it.hasNext(); ) {
      String key = it.next().getKey();
      if (!keys.contains(key)) {
        throw ApiError.badRequest(
            place + "." + key,
            "unrecognized field '"
                + key
                + "' in "
                + place
                + "; expected "
                + String.join(", ", allowed));
      }
    }
  }

  /** The value, or null when absent or JSON null. */
  private static JsonNode present(JsonNode node, String key) {
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v;
  }

  private static String describe(JsonNode v) {
    if (v.isObject()) {
      return "an object";
    }
    if (v.isArray()) {
      return v.isEmpty() ? "an empty list" : "a list";
    }
    if (v.isTextual()) {
      return "the string \"" + clip(v.textValue()) + "\"";
    }
    if (v.isBoolean()) {
      return v.asText();
    }
    if (v.isNumber()) {
      return "the number " + v.asText();
    }
    return "null";
  }

  private static String clip(String s) {
    String one = firstLine(s);
    return one.length() <= 40 ? one : one.substring(0, 40) + "...";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
