package io.vleval.model.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.api.error.VlevalException;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import io.vleval.api.model.Model;
import io.vleval.api.model.MultipleChoiceChat;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.RgbImage;
import io.vleval.testkit.SpecYaml;
import io.vleval.testkit.fake.FakeChatServer;
import io.vleval.testkit.fake.FakeChatServer.Response;
import io.vleval.testkit.fake.FakeImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenAiCompatibleModelTest {

  private static final String KEY = "sk-test-4f1c9a7e0b2d";
  private static final Backoff FAST =
      new Backoff(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(2));

  @TempDir Path temp;
  private FakeChatServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private OpenAiCompatibleProvider.Spec spec(String extra) {
    return new SpecYaml(temp)
        .bind(
            OpenAiCompatibleProvider.Spec.class,
            "base_url: " + server.baseUrl() + "\nmodel: served-vlm\n" + extra);
  }

  private Model load(String extra, Map<String, String> env, Path runDir) {
    return new OpenAiCompatibleProvider(env::get, FAST)
        .load(spec(extra), new PluginContext(1, temp.resolve("cache"), 1, runDir));
  }

  private static List<String> ask(Model model, List<ChatRequest> requests, int maxTokens) {
    return model.require(ImageChat.class).respond(requests, GenerationSettings.greedy(maxTokens));
  }

  private static ChatRequest text(String prompt) {
    return new ChatRequest(null, prompt, List.of());
  }

  @Test
  void requestCarriesTheImageAsADataUrlThePromptGreedyDecodingAndTheKey() throws IOException {
    server = new FakeChatServer(r -> Response.reply("B"));
    RgbImage image = FakeImages.solid(3, 24);
    try (Model model =
        load("api_key_env: MY_KEY\nsystem_prompt: Be brief.\n", Map.of("MY_KEY", KEY), temp)) {
      List<String> replies =
          model
              .require(MultipleChoiceChat.class)
              .answer(
                  List.of(new ChatRequest(image, "Which? A. x B. y", List.of("A", "B"))),
                  new GenerationSettings(1, 1, 7, 1.0));
      assertThat(replies).containsExactly("B");
    }
    FakeChatServer.Request request = server.requests().get(0);
    JsonNode body = request.body();
    assertThat(body.path("model").asText()).isEqualTo("served-vlm");
    assertThat(body.path("temperature").asDouble()).isEqualTo(0.0);
    assertThat(body.path("max_tokens").asInt()).isEqualTo(7);
    JsonNode messages = body.path("messages");
    assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
    assertThat(messages.get(0).path("content").asText()).isEqualTo("Be brief.");
    JsonNode content = messages.get(1).path("content");
    assertThat(messages.get(1).path("role").asText()).isEqualTo("user");
    assertThat(content.get(0).path("type").asText()).isEqualTo("image_url");
    String url = content.get(0).path("image_url").path("url").asText();
    assertThat(url).startsWith("data:image/png;base64,");
    BufferedImage decoded =
        ImageIO.read(
            new ByteArrayInputStream(
                Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1))));
    assertThat(decoded.getWidth()).isEqualTo(image.width());
    assertThat(decoded.getHeight()).isEqualTo(image.height());
    int rgb = decoded.getRGB(5, 7);
    assertThat(new int[] {(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF})
        .containsExactly(image.channel(5, 7, 0), image.channel(5, 7, 1), image.channel(5, 7, 2));
    assertThat(content.get(1).path("type").asText()).isEqualTo("text");
    assertThat(content.get(1).path("text").asText()).isEqualTo("Which? A. x B. y");
    assertThat(request.headers().getFirst("Authorization")).isEqualTo("Bearer " + KEY);
  }

  @Test
  void aTurnWithoutAnImageSendsTheTextAloneAndNoKeyWhenNoneIsNamed() {
    server = new FakeChatServer(r -> Response.reply("four"));
    try (Model model = load("", Map.of(), null)) {
      assertThat(ask(model, List.of(text("2+2?")), 5)).containsExactly("four");
    }
    JsonNode content = server.requests().get(0).body().path("messages").get(0).path("content");
    assertThat(content).hasSize(1);
    assertThat(content.get(0).path("text").asText()).isEqualTo("2+2?");
    assertThat(server.requests().get(0).headers().containsKey("Authorization")).isFalse();
  }

  @Test
  void aMinimumLengthGoesInTheNamedFieldOnlyWhenTheTaskAsksForOne() {
    server = new FakeChatServer(r -> Response.reply("A"));
    List<ChatRequest> one = List.of(text("Which?"));
    GenerationSettings atLeastOne = new GenerationSettings(1, 1, 9, 1.0);
    try (Model model = load("", Map.of(), null)) {
      model.require(ImageChat.class).respond(one, atLeastOne);
    }
    try (Model model = load("min_tokens_field: min_tokens\n", Map.of(), null)) {
      model.require(ImageChat.class).respond(one, atLeastOne);
      model.require(ImageChat.class).respond(List.of(text("Other?")), GenerationSettings.greedy(9));
    }
    assertThat(server.requests()).hasSize(3);
    // OpenAI's own API has no such field: nothing is sent unless the config names one
    assertThat(server.requests().get(0).body().has("min_tokens")).isFalse();
    assertThat(server.requests().get(1).body().path("min_tokens").asInt()).isEqualTo(1);
    assertThat(server.requests().get(2).body().has("min_tokens")).isFalse();
  }

  @Test
  void aMinTokensFieldThatWouldOverwriteTheRequestIsRefused() {
    server = new FakeChatServer(r -> Response.reply("A"));
    assertThatThrownBy(() -> spec("min_tokens_field: max_tokens\n"))
        .hasMessageContaining("min_tokens_field must name a request field other than model");
  }

  @Test
  void jpegImagesWhenAsked() {
    server = new FakeChatServer(r -> Response.reply("ok"));
    try (Model model = load("image_format: jpeg\n", Map.of(), null)) {
      ask(model, List.of(new ChatRequest(FakeImages.solid(1, 16), "?", List.of())), 3);
    }
    JsonNode part = server.requests().get(0).body().path("messages").get(0).path("content").get(0);
    assertThat(part.path("image_url").path("url").asText()).startsWith("data:image/jpeg;base64,");
  }

  @Test
  void repliesComeBackInRequestOrderWithAtMostConcurrencyInFlight() {
    server = new FakeChatServer(r -> Response.reply("re: " + r.prompt()).delayed(150));
    List<ChatRequest> requests = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      requests.add(text("q" + i));
    }
    List<String> replies;
    try (Model model = load("concurrency: 3\n", Map.of(), null)) {
      replies = ask(model, requests, 4);
    }
    assertThat(replies)
        .containsExactly(
            "re: q0", "re: q1", "re: q2", "re: q3", "re: q4", "re: q5", "re: q6", "re: q7");
    assertThat(server.requests()).hasSize(8);
    assertThat(server.maxInFlight()).isEqualTo(3);
  }

  @Test
  void retriesOn429And503ThenSucceeds() {
    AtomicInteger calls = new AtomicInteger();
    server =
        new FakeChatServer(
            r ->
                switch (calls.incrementAndGet()) {
                  case 1 -> Response.error(429, "slow down").withHeader("Retry-After", "0");
                  case 2 -> Response.error(503, "warming up");
                  default -> Response.reply("fine");
                });
    try (Model model = load("max_retries: 2\n", Map.of(), null)) {
      assertThat(ask(model, List.of(text("hi")), 3)).containsExactly("fine");
    }
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void retryAfterIsHonoured() {
    AtomicInteger calls = new AtomicInteger();
    server =
        new FakeChatServer(
            r ->
                calls.incrementAndGet() == 1
                    ? Response.error(429, "slow down").withHeader("Retry-After", "0.4")
                    : Response.reply("fine"));
    long t0 = System.nanoTime();
    try (Model model = load("max_retries: 1\n", Map.of(), null)) {
      assertThat(ask(model, List.of(text("hi")), 3)).containsExactly("fine");
    }
    // FAST's own backoff waits at most 20 ms: the 400 ms came from the header
    assertThat((System.nanoTime() - t0) / 1e6).isGreaterThanOrEqualTo(400);
  }

  @Test
  void givesUpAfterMaxRetriesNamingTheLastError() {
    server = new FakeChatServer(r -> Response.error(503, "overloaded"));
    try (Model model = load("max_retries: 2\n", Map.of(), null)) {
      assertThatThrownBy(() -> ask(model, List.of(text("hi")), 3))
          .isInstanceOf(VlevalException.class)
          .hasMessage(
              "openai-compatible model 'served-vlm' at "
                  + server.baseUrl()
                  + ": HTTP 503 (overloaded); gave up after 3 attempts (max_retries 2)");
    }
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void aSlowServerTimesOut() {
    server = new FakeChatServer(r -> Response.reply("late").delayed(2000));
    try (Model model = load("timeout_s: 0.3\nmax_retries: 0\n", Map.of(), null)) {
      assertThatThrownBy(() -> ask(model, List.of(text("hi")), 3))
          .isInstanceOf(VlevalException.class)
          .hasMessageContaining("no reply within timeout_s 0.3 s")
          .hasMessageContaining(server.baseUrl());
    }
  }

  @Test
  void connectionRefusedNamesTheBaseUrl() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    server = new FakeChatServer(r -> Response.reply("unused"));
    String url = "http://127.0.0.1:" + port + "/v1";
    OpenAiCompatibleProvider.Spec spec =
        new SpecYaml(temp)
            .bind(
                OpenAiCompatibleProvider.Spec.class,
                "base_url: " + url + "\nmodel: m\nmax_retries: 1\n");
    try (Model model =
        new OpenAiCompatibleProvider(k -> null, FAST).load(spec, new PluginContext(1, temp, 1))) {
      assertThatThrownBy(() -> ask(model, List.of(text("hi")), 3))
          .isInstanceOf(VlevalException.class)
          .hasMessageStartingWith("openai-compatible model 'm' at " + url + ": connection refused")
          .hasMessageContaining("gave up after 2 attempts");
    }
  }

  @Test
  void refusedCredentialsNameTheVariableNeverTheKey() throws IOException {
    // a server that echoes the key back must not get it into the message
    server = new FakeChatServer(r -> Response.error(401, "Incorrect API key provided: " + KEY));
    try (Model model = load("api_key_env: MY_KEY\n", Map.of("MY_KEY", KEY), temp)) {
      assertThatThrownBy(() -> ask(model, List.of(text("hi")), 3))
          .isInstanceOf(VlevalException.class)
          .hasMessageContaining("HTTP 401")
          .hasMessageContaining("environment variable MY_KEY")
          .hasMessageNotContaining(KEY);
      assertThat(model.info().toString()).doesNotContain(KEY);
    }
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void forbiddenWithoutAKeyAsksForApiKeyEnv() {
    server = new FakeChatServer(r -> Response.error(403, "forbidden"));
    try (Model model = load("", Map.of(), null)) {
      assertThatThrownBy(() -> ask(model, List.of(text("hi")), 3))
          .hasMessageContaining("HTTP 403")
          .hasMessageContaining("name that variable in api_key_env");
    }
  }

  @Test
  void unknownModelSays404AndWhatToCheck() {
    server = new FakeChatServer(r -> Response.error(404, "The model `served-vlm` does not exist."));
    try (Model model = load("", Map.of(), null)) {
      assertThatThrownBy(() -> ask(model, List.of(text("hi")), 3))
          .isInstanceOf(VlevalException.class)
          .hasMessageContaining("HTTP 404, model 'served-vlm'")
          .hasMessageContaining("does not exist")
          .hasMessageContaining("/v1/models");
    }
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void aReplyWithoutChoicesIsAnError() {
    server =
        new FakeChatServer(r -> new Response(200, Map.of(), "{\"id\":\"x\",\"choices\":[]}", 0));
    try (Model model = load("", Map.of(), null)) {
      assertThatThrownBy(() -> ask(model, List.of(text("hi")), 3))
          .isInstanceOf(VlevalException.class)
          .hasMessageContaining("the reply has no choices")
          .hasMessageContaining("{\"id\":\"x\",\"choices\":[]}");
    }
  }

  @Test
  void anUnsetKeyVariableFailsTheLoad() {
    server = new FakeChatServer(r -> Response.reply("unused"));
    assertThatThrownBy(() -> load("api_key_env: NOT_SET_ANYWHERE\n", Map.of(), null))
        .isInstanceOf(VlevalException.class)
        .hasMessageContaining("environment variable NOT_SET_ANYWHERE, which is not set");
  }

  @Test
  void beamSearchIsRefusedWithWhatToSet() {
    server = new FakeChatServer(r -> Response.reply("unused"));
    try (Model model = load("", Map.of(), null)) {
      assertThatThrownBy(
              () ->
                  model
                      .require(ImageChat.class)
                      .respond(List.of(text("hi")), new GenerationSettings(5, 0, 10, 1.0)))
          .isInstanceOf(VlevalException.class)
          .hasMessageContaining("beam search with 5 beams")
          .hasMessageContaining("beam_size to 1");
    }
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void aSecondLoadInTheSameRunDirectoryAnswersFromTheCache() {
    server = new FakeChatServer(r -> Response.reply("re: " + r.prompt()));
    List<ChatRequest> requests = List.of(text("a"), text("b"));
    List<String> first;
    try (Model model = load("", Map.of(), temp)) {
      first = ask(model, requests, 4);
    }
    assertThat(server.requests()).hasSize(2);
    try (Model model = load("", Map.of(), temp)) {
      assertThat(ask(model, requests, 4)).isEqualTo(first);
      // another setting is another request
      ask(model, List.of(text("a")), 5);
    }
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void theKeyIsInNoFileOfTheRunDirectory() throws IOException {
    server = new FakeChatServer(r -> Response.reply("ok " + r.prompt()));
    try (Model model = load("api_key_env: MY_KEY\n", Map.of("MY_KEY", KEY), temp)) {
      ask(model, List.of(new ChatRequest(FakeImages.solid(2, 16), "x", List.of())), 3);
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(temp)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
          .as("%s", f)
          .doesNotContain(KEY);
    }
  }

  @Test
  void aTornCacheEntryIsNeverReadBackAndIsAskedAgain() throws IOException {
    server = new FakeChatServer(r -> Response.reply("re: " + r.prompt()));
    try (Model model = load("", Map.of(), temp)) {
      ask(model, List.of(text("a"), text("b")), 4);
    }
    Path file = temp.resolve(ReplyCache.FILE);
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    // a crash in the middle of the second append: half of its line, no newline
    String torn = lines.get(1).substring(0, lines.get(1).length() / 2);
    Files.writeString(file, lines.get(0) + "\n" + torn);
    try (Model model = load("", Map.of(), temp)) {
      assertThat(ask(model, List.of(text("a"), text("b")), 4)).containsExactly("re: a", "re: b");
    }
    // one of the two asked again: the torn one
    assertThat(server.requests()).hasSize(3);
    assertThat(Files.readAllLines(file)).hasSize(2).doesNotContain(torn);
  }

  @Test
  void aDamagedEntryIsPassedOver() throws IOException {
    server = new FakeChatServer(r -> Response.reply("re: " + r.prompt()));
    try (Model model = load("", Map.of(), temp)) {
      ask(model, List.of(text("a")), 4);
    }
    Path file = temp.resolve(ReplyCache.FILE);
    String line = Files.readAllLines(file).get(0);
    // the reply's text changed on disk: its CRC no longer matches
    Files.writeString(file, line.replace("re: a", "re: z") + "\n");
    try (Model model = load("", Map.of(), temp)) {
      assertThat(ask(model, List.of(text("a")), 4)).containsExactly("re: a");
    }
    assertThat(server.requests()).hasSize(2);
  }
}
