package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.PluginContext;
import io.vleval.model.internvl.provider.InternVlProvider;
import io.vleval.model.internvl.provider.InternVlSpec;
import io.vleval.testkit.SpecYaml;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vleval serve}: a model from a config or a preset served in a child JVM, answered over
 * HTTP, stopped by SIGTERM; and the one-line errors for what cannot be served.
 */
class ServeCommandTest {

  private static final Pattern SERVING = Pattern.compile("serving '([^']+)' at (http://\\S+/v1)");
  private static final JsonMapper JSON = new JsonMapper();

  @TempDir Path temp;

  private Path config() throws IOException {
    return Files.writeString(
        temp.resolve("serve.yaml"),
        """
        models:
          - name: rnd
            type: random
          - name: pixels
            type: pixel-baseline
        datasets:
          - name: colours
            type: test-colours
            count: 4
            root: .
        tasks:
          - name: acc
            type: test-accuracy
            dataset: colours
        """);
  }

  /** A {@code vleval serve} child JVM, its standard output read line by line. */
  private final class Server implements AutoCloseable {
    final Process process;
    final Path err = temp.resolve("serve.err");
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final StringBuilder out = new StringBuilder();

    Server(String... args) throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Dai.djl.offline=true");
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(Main.class.getName());
      cmd.add("serve");
      cmd.addAll(List.of(args));
      process = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
      process.getOutputStream().close();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = r.readLine()) != null; ) {
                    synchronized (out) {
                      out.append(line).append('\n');
                    }
                    lines.add(line);
                  }
                } catch (IOException e) {
                  lines.add("read failed: " + e.getMessage());
                }
              });
      reader.setDaemon(true);
      reader.start();
    }

    /** The served name and base URL, once the child says it serves. */
    Matcher awaitServing() throws Exception {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (System.nanoTime() < deadline) {
        String line = lines.poll(1, TimeUnit.SECONDS);
        if (line != null) {
          Matcher m = SERVING.matcher(line);
          if (m.find()) {
            return m;
          }
        }
        if (!process.isAlive()) {
          break;
        }
      }
      throw new AssertionError("no 'serving' line; stderr: " + Files.readString(err));
    }

    /** Sends SIGTERM and waits for the child to stop; returns its standard error. */
    String terminate() throws Exception {
      process.destroy();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
      return Files.readString(err);
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  private static HttpResponse<String> post(URI base, String body, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + "/chat/completions"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .build()
        .send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String chat(String model, String text, int maxTokens) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", model).put("max_tokens", maxTokens).put("temperature", 0);
    root.putArray("messages").addObject().put("role", "user").put("content", text);
    return root.toString();
  }

  @Test
  void servesAConfigsModelBehindAnApiKeyAndStopsOnSigterm() throws Exception {
    // surefire sets VLEVAL_CACHE for every test JVM, so the child sees it too
    String key = System.getenv("VLEVAL_CACHE");
    assertThat(key).isNotBlank();
    try (Server server =
        new Server(
            config().toString(),
            "--model",
            "rnd",
            "--port",
            "0",
            "--api-key-env",
            "VLEVAL_CACHE")) {
      Matcher serving = server.awaitServing();
      assertThat(serving.group(1)).isEqualTo("rnd");
      URI base = URI.create(serving.group(2));
      assertThat(base.getHost()).isEqualTo("127.0.0.1");
      assertThat(post(base, chat("rnd", "hello", 8), null).statusCode()).isEqualTo(401);
      HttpResponse<String> ok = post(base, chat("rnd", "hello", 8), key);
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      String content =
          JSON.readTree(ok.body()).path("choices").path(0).path("message").path("content").asText();
      assertThat(content.split(" ")).hasSizeBetween(1, 3);
      String err = server.terminate();
      assertThat(err).contains("stopped serving 'rnd'");
      synchronized (server.out) {
        assertThat(server.out + err).doesNotContain(key);
      }
    }
  }

  @Test
  void servesThePresetWithTheRepliesOfTheInProcessModel() throws Exception {
    String prompt = "English caption:";
    int maxTokens = 24;
    String expected;
    InternVlSpec spec = new SpecYaml(temp).bind(InternVlSpec.class, "preset: tiny-chat\n");
    try (Model model = new InternVlProvider().load(spec, new PluginContext(0, temp, 1))) {
      expected =
          model
              .require(ImageChat.class)
              .respond(
                  List.of(new ChatRequest(null, prompt, List.of())),
                  GenerationSettings.greedy(maxTokens))
              .get(0);
    }
    try (Server server = new Server("--preset", "tiny-chat", "--port", "0", "--batch-size", "2")) {
      Matcher serving = server.awaitServing();
      assertThat(serving.group(1)).isEqualTo("tiny-chat");
      HttpResponse<String> r =
          post(URI.create(serving.group(2)), chat("tiny-chat", prompt, maxTokens), null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode json = JSON.readTree(r.body());
      assertThat(json.path("choices").path(0).path("message").path("content").asText())
          .isEqualTo(expected);
      assertThat(server.terminate()).contains("stopped serving 'tiny-chat'");
    }
  }

  @Test
  void whatCannotBeServedIsAOneLineUserError() throws Exception {
    Path config = config();
    assertUserError(Cli.run("serve"), "name the model to serve");
    assertUserError(Cli.run("serve", config.toString()), "has 2 models; choose one with --model");
    assertUserError(
        Cli.run("serve", config.toString(), "--model", "nope"), "no such entry in models:");
    assertUserError(
        Cli.run("serve", config.toString(), "--model", "pixels"),
        "model 'pixels' (type pixel-baseline) offers no ImageChat");
    assertUserError(
        Cli.run("serve", "--preset", "tiny-chat", "--api-key-env", "VLEVAL_SERVE_TEST_UNSET"),
        "the environment variable VLEVAL_SERVE_TEST_UNSET is not set");
    assertUserError(
        Cli.run("serve", "--preset", "tiny-chat", "--queue", "0"), "--queue is 0; expected");
    assertUserError(
        Cli.run("serve", "--checkpoint", temp.resolve("missing").toString()), "no such directory");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertUserError(
          Cli.run("serve", "--preset", "tiny-chat", "--port", "" + taken.getLocalPort()),
          "cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  private static void assertUserError(Cli.Result r, String message) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(r.err()).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.err().strip().lines().filter(l -> l.startsWith("error:")).count()).isEqualTo(1);
  }
}
