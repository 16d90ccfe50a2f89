package io.vleval.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.api.error.VlevalException;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import io.vleval.serve.Api.Reply;
import io.vleval.testkit.fake.FakeImages;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The server with stub models: replies, errors in OpenAI's shape, states and the queue's bound. */
class ChatServerTest {

  private static final String MODEL = "stub";

  private static String body(String text) {
    return Api.chat(MODEL, text, null).toString();
  }

  @Test
  void aCompletionHasOpenAisShapeAndTheModelsReplyForItsImageAndPrompt() {
    byte[] png = Api.png(FakeImages.solid(3, 20));
    ObjectNode request = Api.chat(MODEL, "what colour?", png);
    request.put("max_tokens", 17);
    request.put("temperature", 0);
    StubChat stub = new StubChat();
    try (ChatServer server = ChatServer.start(MODEL, stub, ServeOptions.defaults())) {
      Api api = new Api(server);
      Reply r = api.post("/v1/chat/completions", request.toString());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.raw().headers().firstValue("Content-Type")).hasValue("application/json");
      JsonNode json = r.json();
      assertThat(json.path("id").asText()).startsWith("chatcmpl-");
      assertThat(json.path("object").asText()).isEqualTo("chat.completion");
      assertThat(json.path("created").isIntegralNumber()).isTrue();
      assertThat(json.path("model").asText()).isEqualTo(MODEL);
      assertThat(json.path("choices")).hasSize(1);
      assertThat(json.path("choices").path(0).path("message").path("role").asText())
          .isEqualTo("assistant");
      assertThat(json.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
      assertThat(r.content()).isEqualTo(StubChat.expected("what colour?", 20, 20, 17));
      assertThat(stub.calls.get(0).settings()).isEqualTo(GenerationSettings.greedy(17));

      Reply models = api.get("/v1/models");
      assertThat(models.status()).isEqualTo(200);
      assertThat(models.json().path("object").asText()).isEqualTo("list");
      assertThat(models.json().path("data").path(0).path("id").asText()).isEqualTo(MODEL);
      assertThat(api.get("/v1/models/" + MODEL).json().path("id").asText()).isEqualTo(MODEL);
      assertThat(api.get("/health").json().path("status").asText()).isEqualTo("ready");
    }
  }

  @Test
  void hundredConcurrentRequestsEachGetTheirOwnReplyInBatchesOfEqualSettings() throws Exception {
    int n = 100;
    int batch = 8;
    ChatServer[] server = new ChatServer[1];
    // the first call waits until every other request is queued, so the rest must come in batches
    StubChat stub =
        new StubChat()
            .beforeFirst(
                first -> {
                  long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                  while (server[0].waiting() + first.size() < n && System.nanoTime() < deadline) {
                    try {
                      Thread.sleep(1);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      return;
                    }
                  }
                });
    ServeOptions options = ServeOptions.defaults().withQueue(n).withBatchSize(batch);
    try (ChatServer s = ChatServer.start(MODEL, stub, options)) {
      server[0] = s;
      Api api = new Api(s);
      List<CompletableFuture<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ObjectNode request = Api.chat(MODEL, "question " + i, null);
        request.put("max_tokens", 5 + i % 2); // two decoding settings, which never share a batch
        replies.add(api.postAsync("/v1/chat/completions", request.toString(), null));
      }
      for (int i = 0; i < n; i++) {
        Reply r = replies.get(i).get(120, TimeUnit.SECONDS);
        assertThat(r.status()).as("request %d", i).isEqualTo(200);
        assertThat(r.content()).isEqualTo(StubChat.expected("question " + i, -1, -1, 5 + i % 2));
      }
      List<StubChat.Call> calls = List.copyOf(stub.calls);
      assertThat(calls.stream().mapToInt(c -> c.prompts().size()).sum()).isEqualTo(n);
      assertThat(calls).allSatisfy(c -> assertThat(c.prompts().size()).isBetween(1, batch));
      for (StubChat.Call c : calls) {
        for (String prompt : c.prompts()) {
          int i = Integer.parseInt(prompt.substring("question ".length()));
          assertThat(5 + i % 2).isEqualTo(c.settings().maxNewTokens());
        }
      }
      // every other request waited while the first call ran, so each setting's requests then
      // came in full batches, but for one partial batch each
      StubChat.Call head = calls.get(0);
      int[] left = {n / 2, n / 2};
      left[head.settings().maxNewTokens() - 5] -= head.prompts().size();
      int expectedCalls = 1 + (left[0] + batch - 1) / batch + (left[1] + batch - 1) / batch;
      assertThat(calls).hasSize(expectedCalls);
      assertThat(calls.stream().mapToInt(c -> c.prompts().size()).max().orElse(0)).isEqualTo(batch);
      assertThat(api.get("/health").status()).isEqualTo(200);
    }
  }

  @Test
  void aFullQueueAnswers429AndTheServerStaysHealthy() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    StubChat stub = new StubChat(release);
    ServeOptions options = ServeOptions.defaults().withQueue(2).withBatchSize(1);
    try (ChatServer server = ChatServer.start(MODEL, stub, options)) {
      Api api = new Api(server);
      CompletableFuture<Reply> inModel = api.postAsync("/v1/chat/completions", body("a"), null);
      stub.awaitEntered();
      CompletableFuture<Reply> q1 = api.postAsync("/v1/chat/completions", body("b"), null);
      CompletableFuture<Reply> q2 = api.postAsync("/v1/chat/completions", body("c"), null);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (server.waiting() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(server.waiting()).isEqualTo(2);

      Reply refused = api.post("/v1/chat/completions", body("d"));
      assertThat(refused.status()).isEqualTo(429);
      assertOpenAiError(refused, "rate_limit_error", "queue_full");
      assertThat(refused.error().path("message").asText()).contains("2 requests");
      assertThat(refused.raw().headers().firstValue("Retry-After")).hasValue("1");

      release.countDown();
      assertThat(inModel.get(60, TimeUnit.SECONDS).content()).startsWith("a|");
      assertThat(q1.get(60, TimeUnit.SECONDS).content()).startsWith("b|");
      assertThat(q2.get(60, TimeUnit.SECONDS).content()).startsWith("c|");
      assertThat(api.get("/health").status()).isEqualTo(200);
      assertThat(api.post("/v1/chat/completions", body("e")).content()).startsWith("e|");
      assertThat(stub.calls).hasSize(4);
    }
  }

  @Test
  void aBodyOverTheLimitAnswers413AndAnImageOverThePixelLimit400() {
    ServeOptions options =
        ServeOptions.defaults().withMaxBodyBytes(4096).withMaxImagePixels(32 * 32);
    try (ChatServer server = ChatServer.start(MODEL, new StubChat(), options)) {
      Api api = new Api(server);
      Reply big = api.post("/v1/chat/completions", body("x".repeat(8000)));
      assertThat(big.status()).isEqualTo(413);
      assertOpenAiError(big, "invalid_request_error", "request_too_large");
      assertThat(big.error().path("message").asText()).contains("4096 bytes");

      String image = Api.chat(MODEL, "hi", Api.png(FakeImages.solid(1, 33))).toString();
      assertThat(image.length()).isLessThan(4096);
      Reply large = api.post("/v1/chat/completions", image);
      assertThat(large.status()).isEqualTo(400);
      assertOpenAiError(large, "invalid_request_error", "invalid_image");
      assertThat(large.error().path("param").asText())
          .isEqualTo("messages[0].content[0].image_url.url");
      assertThat(large.error().path("message").asText()).contains("33x33", "1024 px in all");

      String fits = Api.chat(MODEL, "hi", Api.png(FakeImages.solid(1, 32))).toString();
      assertThat(api.post("/v1/chat/completions", fits).content())
          .isEqualTo(StubChat.expected("hi", 32, 32, ServeOptions.DEFAULT_MAX_TOKENS));
    }
    assertThat(options.queuedBytesBound()).isEqualTo(options.queue() * (3L * 32 * 32 + 2L * 4096));
  }

  @Test
  void malformedRequestsGet400InOpenAisShape() {
    try (ChatServer server = ChatServer.start(MODEL, new StubChat(), ServeOptions.defaults())) {
      Api api = new Api(server);
      Reply notJson = api.post("/v1/chat/completions", "{\"model\": \"stub\", \"messages\": [");
      assertThat(notJson.status()).isEqualTo(400);
      assertOpenAiError(notJson, "invalid_request_error", "invalid_json");
      assertThat(notJson.error().has("param")).isTrue();
      assertThat(notJson.error().path("message").asText()).contains("not valid JSON", "line 1");

      Reply noMessages = api.post("/v1/chat/completions", "{\"model\": \"stub\"}");
      assertThat(noMessages.status()).isEqualTo(400);
      assertThat(noMessages.error().path("param").asText()).isEqualTo("messages");

      ObjectNode hot = Api.chat(MODEL, "hi", null).put("temperature", 0.7);
      Reply sampled = api.post("/v1/chat/completions", hot.toString());
      assertThat(sampled.status()).isEqualTo(400);
      assertThat(sampled.error().path("param").asText()).isEqualTo("temperature");

      Reply streamed =
          api.post(
              "/v1/chat/completions", Api.chat(MODEL, "hi", null).put("stream", true).toString());
      assertThat(streamed.error().path("param").asText()).isEqualTo("stream");
      Reply many =
          api.post("/v1/chat/completions", Api.chat(MODEL, "hi", null).put("n", 2).toString());
      assertThat(many.error().path("param").asText()).isEqualTo("n");

      ObjectNode remote = Api.chat(MODEL, "hi", new byte[] {1});
      ((ObjectNode) remote.at("/messages/0/content/0/image_url")).put("url", "https://x/y.png");
      Reply fetched = api.post("/v1/chat/completions", remote.toString());
      assertThat(fetched.status()).isEqualTo(400);
      assertOpenAiError(fetched, "invalid_request_error", "remote_image_url");

      Reply unknown = api.post("/v1/chat/completions", Api.chat("gpt-4o", "hi", null).toString());
      assertThat(unknown.status()).isEqualTo(404);
      assertOpenAiError(unknown, "invalid_request_error", "model_not_found");
      assertThat(unknown.error().path("message").asText()).contains("gpt-4o", "'stub'");

      Reply path = api.get("/v1/completions");
      assertThat(path.status()).isEqualTo(404);
      assertOpenAiError(path, "invalid_request_error", "unknown_url");

      Reply method = api.get("/v1/chat/completions");
      assertThat(method.status()).isEqualTo(405);
      assertOpenAiError(method, "invalid_request_error", "method_not_allowed");
      assertThat(method.raw().headers().firstValue("Allow")).hasValue("POST");

      assertThat(api.post("/v1/chat/completions", body("still fine")).status()).isEqualTo(200);
    }
  }

  @Test
  void aModelFailureAnswers500ForItsRequestOnlyAndTheServerKeepsServing() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    StubChat stub = new StubChat(release);
    try (ChatServer server =
        ChatServer.start(MODEL, stub, ServeOptions.defaults().withBatchSize(4))) {
      Api api = new Api(server);
      CompletableFuture<Reply> first = api.postAsync("/v1/chat/completions", body("first"), null);
      stub.awaitEntered();
      List<CompletableFuture<Reply>> batch = new ArrayList<>();
      for (String text : List.of("ok 1", "boom", "ok 2")) {
        batch.add(api.postAsync("/v1/chat/completions", body(text), null));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (server.waiting() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      release.countDown();
      assertThat(first.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(batch.get(0).get(60, TimeUnit.SECONDS).content()).startsWith("ok 1|");
      Reply failed = batch.get(1).get(60, TimeUnit.SECONDS);
      assertThat(failed.status()).isEqualTo(500);
      assertOpenAiError(failed, "server_error", "model_error");
      assertThat(failed.error().path("message").asText())
          .doesNotContain("Exception", "\tat ", "stub failure");
      assertThat(batch.get(2).get(60, TimeUnit.SECONDS).content()).startsWith("ok 2|");
      // the batch of three failed, then each was answered alone
      assertThat(stub.calls.get(1).prompts()).containsExactlyInAnyOrder("ok 1", "boom", "ok 2");
      assertThat(api.get("/health").status()).isEqualTo(200);
      assertThat(api.post("/v1/chat/completions", body("after")).content()).startsWith("after|");
    }
  }

  @Test
  void aUserFacingModelErrorKeepsItsMessage() {
    ImageChat failing =
        (List<ChatRequest> requests, GenerationSettings settings) -> {
          throw new VlevalException("the prompt is longer than the model's context of 8 tokens");
        };
    try (ChatServer server = ChatServer.start(MODEL, failing, ServeOptions.defaults())) {
      Reply r = new Api(server).post("/v1/chat/completions", body("long"));
      assertThat(r.status()).isEqualTo(500);
      assertThat(r.error().path("message").asText())
          .isEqualTo(
              "the model failed on this request: the prompt is longer than the model's context"
                  + " of 8 tokens");
    }
  }

  @Test
  void whileLoadingAndClosingApiRequestsGet503() throws Exception {
    ChatServer server =
        ChatServer.open(ServeOptions.defaults().withBatchSize(1), ServeListener.NONE);
    CountDownLatch release = new CountDownLatch(1);
    StubChat stub = new StubChat(release);
    try {
      Api api = new Api(server);
      Reply loading = api.post("/v1/chat/completions", body("early"));
      assertThat(loading.status()).isEqualTo(503);
      assertOpenAiError(loading, "server_error", "model_loading");
      assertThat(api.get("/v1/models").status()).isEqualTo(503);
      assertThat(api.get("/health").json().path("status").asText()).isEqualTo("loading");

      server.serve(MODEL, stub);
      assertThat(api.get("/health").status()).isEqualTo(200);
      CompletableFuture<Reply> inModel = api.postAsync("/v1/chat/completions", body("a"), null);
      stub.awaitEntered();
      CompletableFuture<Reply> waiting = api.postAsync("/v1/chat/completions", body("b"), null);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (server.waiting() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      Thread closer = new Thread(server::close);
      closer.start();
      Reply shut = waiting.get(60, TimeUnit.SECONDS);
      assertThat(shut.status()).isEqualTo(503);
      assertOpenAiError(shut, "server_error", "shutting_down");
      release.countDown();
      // the batch the model was answering is finished and sent
      assertThat(inModel.get(60, TimeUnit.SECONDS).content()).startsWith("a|");
      closer.join(60_000);
      assertThat(closer.isAlive()).isFalse();
    } finally {
      release.countDown();
      server.close();
    }
  }

  @Test
  void aServerClosedWhileTheModelLoadedIgnoresTheModel() throws Exception {
    ChatServer server = ChatServer.open(ServeOptions.defaults(), ServeListener.NONE);
    server.close();
    StubChat stub = new StubChat();
    server.serve(MODEL, stub);
    server.awaitClosed();
    assertThat(stub.calls).isEmpty();
  }

  @Test
  void withAnApiKeyRequestsNeedTheBearerTokenAndErrorsNeverShowIt() {
    String key = "sk-test-0123456789";
    try (ChatServer server =
        ChatServer.start(MODEL, new StubChat(), ServeOptions.defaults().withApiKey(key))) {
      Api api = new Api(server);
      Reply missing = api.post("/v1/chat/completions", body("hi"));
      assertThat(missing.status()).isEqualTo(401);
      assertOpenAiError(missing, "invalid_request_error", "invalid_api_key");
      Reply wrong = api.post("/v1/chat/completions", body("hi"), "Bearer sk-test-0123456788");
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.raw().body()).doesNotContain(key).doesNotContain("sk-test-0123456788");
      assertThat(api.send(HttpRequest.newBuilder(api.uri("/v1/models")).GET()).status())
          .isEqualTo(401);
      Reply right = api.post("/v1/chat/completions", body("hi"), "Bearer " + key);
      assertThat(right.status()).isEqualTo(200);
      assertThat(right.content()).startsWith("hi|");
      // health needs no key, so a load balancer can probe it
      assertThat(api.get("/health").status()).isEqualTo(200);
      assertThat(server.options().toString()).doesNotContain(key);
    }
  }

  @Test
  void aPortInUseIsAOneLineUserError() {
    try (ChatServer first = ChatServer.start(MODEL, new StubChat(), ServeOptions.defaults())) {
      int port = first.address().getPort();
      assertThatThrownBy(
              () -> ChatServer.open(ServeOptions.defaults().withPort(port), ServeListener.NONE))
          .isInstanceOf(VlevalException.class)
          .hasMessageContaining("cannot listen on 127.0.0.1:" + port)
          .hasMessageContaining("--port");
    }
  }

  private static void assertOpenAiError(Reply r, String type, String code) {
    JsonNode e = r.error();
    assertThat(e.isObject()).as("error object in %s", r.raw().body()).isTrue();
    assertThat(e.path("message").asText()).isNotBlank().doesNotContain("\n");
    assertThat(e.path("type").asText()).isEqualTo(type);
    assertThat(e.has("param")).isTrue();
    assertThat(e.path("code").asText()).isEqualTo(code);
  }
}
