package io.vleval.model.openai;

import io.vleval.api.error.VlevalException;
import io.vleval.api.model.Capability;
import io.vleval.api.model.CaptionGenerator;
import io.vleval.api.model.ImageChat;
import io.vleval.api.model.Model;
import io.vleval.api.model.MultipleChoiceChat;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.spec.Doc;
import io.vleval.api.spec.Required;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A vision-language model served behind an OpenAI-compatible {@code /v1/chat/completions} endpoint
 * (vLLM, LMDeploy, SGLang, {@code vleval serve}): images go as base64 data URLs, decoding is greedy
 * ({@code temperature: 0}), replies are kept in the run directory so that {@code --resume} never
 * asks twice. The API key is read from the environment variable {@code api_key_env} names when the
 * model loads; it is never part of the spec, the results, the logs or the reply cache.
 */
public final class OpenAiCompatibleProvider
    implements ModelProvider<OpenAiCompatibleProvider.Spec> {

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** How images travel in a request. */
  public enum ImageFormat {
    PNG,
    JPEG;

    String mediaType() {
      return "image/" + name().toLowerCase(Locale.ROOT);
    }
  }

  /** Options of a served model. */
  public record Spec(
      @Required
          @Doc(
              "the API's base URL, up to and including /v1 (e.g. http://localhost:8000/v1); ${VAR}"
                  + " expands")
          URI baseUrl,
      @Required @Doc("the served model's name, as the server's /v1/models lists it") String model,
      @Doc(
              "NAME of the environment variable holding the API key (sent as a Bearer token);"
                  + " default: no key")
          String apiKeyEnv,
      @Doc("requests in flight at once (default 4)") Integer concurrency,
      @Doc("seconds to wait for one reply (default 120)") Double timeoutS,
      @Doc(
              "retries of a request refused with 429 or 5xx or cut by a connection error or"
                  + " timeout, with exponential backoff and jitter, honouring Retry-After (default"
                  + " 5)")
          Integer maxRetries,
      @Doc("a system message sent before every prompt (default: none)") String systemPrompt,
      @Doc("how images are encoded in the data URLs: png (default, lossless) or jpeg")
          ImageFormat imageFormat,
      @Doc(
              "the request field the server reads a minimum reply length from (min_tokens for"
                  + " vLLM, SGLang and vleval serve); sent when a task asks for a minimum;"
                  + " default: not sent, as OpenAI's own API has no such field")
          String minTokensField) {
    public Spec {
      concurrency = concurrency == null ? 4 : concurrency;
      timeoutS = timeoutS == null ? 120.0 : timeoutS;
      maxRetries = maxRetries == null ? 5 : maxRetries;
      imageFormat = imageFormat == null ? ImageFormat.PNG : imageFormat;
      if (baseUrl != null) {
        String scheme = baseUrl.getScheme();
        if (scheme == null
            || !(scheme.equals("http") || scheme.equals("https"))
            || baseUrl.getHost() == null) {
          throw new IllegalArgumentException(
              "base_url must be an http:// or https:// URL with a host, like"
                  + " http://localhost:8000/v1; found '"
                  + baseUrl
                  + "'");
        }
        if (baseUrl.getRawUserInfo() != null) {
          throw new IllegalArgumentException(
              "base_url must not hold credentials (user:password@); put the API key in an"
                  + " environment variable and name it in api_key_env");
        }
        if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
          throw new IllegalArgumentException(
              "base_url must end at the API's root path (e.g. /v1), without ?query or #fragment;"
                  + " found '"
                  + baseUrl
                  + "'");
        }
      }
      if (model != null && model.isBlank()) {
        throw new IllegalArgumentException("model must name the served model, found nothing");
      }
      if (apiKeyEnv != null && !IDENTIFIER.matcher(apiKeyEnv).matches()) {
        throw new IllegalArgumentException(
            "api_key_env must be the NAME of an environment variable (letters, digits, '_'), like"
                + " OPENAI_API_KEY, not the key itself");
      }
      if (minTokensField != null
          && (!IDENTIFIER.matcher(minTokensField).matches()
              || RESERVED_FIELDS.contains(minTokensField))) {
        throw new IllegalArgumentException(
            "min_tokens_field must name a request field other than "
                + String.join(", ", RESERVED_FIELDS)
                + " (letters, digits, '_'), like min_tokens; found '"
                + minTokensField
                + "'");
      }
      if (concurrency < 1 || concurrency > 1024) {
        throw new IllegalArgumentException(
            "concurrency must be from 1 to 1024, found " + concurrency);
      }
      if (!(timeoutS > 0) || timeoutS > 86_400) {
        throw new IllegalArgumentException(
            "timeout_s must be more than 0 and at most 86400, found "
                + String.format(Locale.ROOT, "%s", timeoutS));
      }
      if (maxRetries < 0 || maxRetries > 100) {
        throw new IllegalArgumentException(
            "max_retries must be from 0 to 100, found " + maxRetries);
      }
    }

    Duration timeout() {
      return Duration.ofMillis(Math.round(timeoutS * 1000));
    }
  }

  /** The fields every request body already has. */
  static final List<String> RESERVED_FIELDS =
      List.of("model", "messages", "temperature", "max_tokens");

  private static final Set<Class<? extends Capability>> CAPABILITIES =
      Set.of(CaptionGenerator.class, MultipleChoiceChat.class, ImageChat.class);

  private final UnaryOperator<String> environment;
  private final Backoff backoff;

  /** The provider {@link java.util.ServiceLoader} finds: keys come from the process environment. */
  public OpenAiCompatibleProvider() {
    this(System::getenv, Backoff.DEFAULT);
  }

  /**
   * A provider reading environment variables through {@code environment} and waiting between
   * retries as {@code backoff} says (tests).
   */
  OpenAiCompatibleProvider(UnaryOperator<String> environment, Backoff backoff) {
    this.environment = environment;
    this.backoff = backoff;
  }

  @Override
  public String type() {
    return "openai-compatible";
  }

  @Override
  public String description() {
    return "a VLM served behind an OpenAI-compatible /v1/chat/completions endpoint (vLLM, LMDeploy,"
        + " SGLang, vleval serve): captions, multiple-choice and free chat";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Set<Class<? extends Capability>> capabilities(Spec spec) {
    return CAPABILITIES;
  }

  @Override
  public Model load(Spec spec, PluginContext context) {
    String key = null;
    if (spec.apiKeyEnv() != null) {
      key = environment.apply(spec.apiKeyEnv());
      if (key == null || key.isBlank()) {
        throw new VlevalException(
            "openai-compatible model '"
                + spec.model()
                + "' at "
                + spec.baseUrl()
                + ": api_key_env names the environment variable "
                + spec.apiKeyEnv()
                + ", which is not set; export "
                + spec.apiKeyEnv()
                + " with the API key, or leave api_key_env out for a server without one");
      }
      key = key.strip();
    }
    ChatClient client = new ChatClient(spec, key, backoff);
    ReplyCache cache =
        context.run().map(dir -> ReplyCache.open(dir.resolve(ReplyCache.FILE))).orElse(null);
    return new OpenAiCompatibleModel(spec, client, cache);
  }
}
