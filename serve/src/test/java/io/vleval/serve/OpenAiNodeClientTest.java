package io.vleval.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.RgbImage;
import io.vleval.model.internvl.provider.InternVlProvider;
import io.vleval.model.internvl.provider.InternVlSpec;
import io.vleval.testkit.SpecYaml;
import io.vleval.testkit.fake.FakeImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client nobody here wrote: the official {@code openai} npm package (pinned in {@code
 * src/test/node/package.json}) under Node sends a chat completion with an image to the server
 * serving the shipped tiny InternVL-Chat, and gets the reply the in-process model gives for the
 * same image and prompt. Skipped, saying why, without Node or the package ({@code npm ci} in {@code
 * serve/src/test/node}); failed instead when {@code CI=true}, as {@code .ci/run} installs both.
 */
class OpenAiNodeClientTest {

  private static final Path NODE_DIR = Path.of("src/test/node").toAbsolutePath();
  private static final String PROMPT = "English caption:";
  private static final int MAX_TOKENS = 40;

  @TempDir Path temp;

  @Test
  void theOfficialOpenAiClientGetsTheInProcessReply() throws Exception {
    String node = requireNodeAndPackage();
    Path checkpoint =
        Path.of(System.getProperty("vleval.repoRoot", "..")).resolve("models/tiny-internvl-chat");
    assertThat(checkpoint.resolve("config.json")).exists();
    RgbImage image = FakeImages.solid(5, 56);
    Path png = Files.write(temp.resolve("image.png"), Api.png(image));
    InternVlSpec spec =
        new SpecYaml(temp)
            .bind(InternVlSpec.class, "checkpoint: " + checkpoint + "\nbatch_size: 4\n");
    try (Model model = new InternVlProvider().load(spec, new PluginContext(0, temp, 1))) {
      ImageChat chat = model.require(ImageChat.class);
      String expected =
          chat.respond(
                  List.of(new ChatRequest(image, PROMPT, List.of())),
                  GenerationSettings.greedy(MAX_TOKENS))
              .get(0);
      assertThat(expected).isNotBlank();
      try (ChatServer server =
          ChatServer.start("tiny-internvl-chat", chat, ServeOptions.defaults())) {
        JsonNode reply =
            runClient(
                node,
                server.baseUrl().toString(),
                png.toString(),
                "tiny-internvl-chat",
                PROMPT,
                Integer.toString(MAX_TOKENS));
        assertThat(reply.path("models").path(0).asText()).isEqualTo("tiny-internvl-chat");
        assertThat(reply.path("object").asText()).isEqualTo("chat.completion");
        assertThat(reply.path("model").asText()).isEqualTo("tiny-internvl-chat");
        assertThat(reply.path("role").asText()).isEqualTo("assistant");
        assertThat(reply.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(reply.path("content").asText()).isEqualTo(expected);
      }
    }
  }

  private JsonNode runClient(String node, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(node, "client.mjs"));
    command.addAll(List.of(args));
    Path log = temp.resolve("client.log");
    Process p =
        new ProcessBuilder(command)
            .directory(NODE_DIR.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("the node client did not finish in 120 s: " + Files.readString(log));
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("node client output: %s", output).isZero();
    String last = output.strip().lines().reduce((a, b) -> b).orElse("");
    return Api.JSON.readTree(last);
  }

  /** The node executable, or skips (fails under CI=true) saying what is missing. */
  private static String requireNodeAndPackage() throws InterruptedException {
    String why = null;
    String node = "node";
    try {
      Process p = new ProcessBuilder(node, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        why = "'node --version' failed";
      }
    } catch (IOException e) {
      why = "Node.js is not installed (no 'node' on the PATH): apt-get install -y nodejs npm";
    }
    if (why == null && !Files.isRegularFile(NODE_DIR.resolve("node_modules/openai/package.json"))) {
      why =
          "the openai npm package is not installed: run 'npm ci' in "
              + NODE_DIR
              + " (.ci/run does)";
    }
    if (why != null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("CI=true and " + why);
      }
      Assumptions.abort(why + "; skipping the test with the official openai client");
    }
    return node;
  }
}
