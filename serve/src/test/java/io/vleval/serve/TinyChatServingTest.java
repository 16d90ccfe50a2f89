package io.vleval.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.RgbImage;
import io.vleval.model.internvl.provider.InternVlProvider;
import io.vleval.model.internvl.provider.InternVlSpec;
import io.vleval.serve.Api.Reply;
import io.vleval.testkit.SpecYaml;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped tiny InternVL-Chat behind the server: concurrent requests answered in batches (one
 * batched generation each) get the replies the model gives each of them alone.
 */
class TinyChatServingTest {

  @TempDir Path temp;

  private static RgbImage noise(int seed, int width, int height) {
    byte[] rgb = new byte[width * height * 3];
    new Random(seed).nextBytes(rgb);
    return new RgbImage(width, height, rgb);
  }

  @Test
  void batchedRepliesEqualOneAtATimeReplies() throws Exception {
    Path checkpoint =
        Path.of(System.getProperty("vleval.repoRoot", "..")).resolve("models/tiny-internvl-chat");
    // images of other shapes (so other tile counts and prompt lengths) and one request without
    List<RgbImage> images =
        Arrays.asList(
            noise(1, 56, 56), noise(2, 112, 56), null, noise(3, 168, 60), noise(4, 50, 100));
    List<String> prompts =
        List.of("English caption:", "What is shown?", "Say hello.", "Colours?", "English caption:");
    int maxTokens = 16;
    InternVlSpec spec =
        new SpecYaml(temp)
            .bind(InternVlSpec.class, "checkpoint: " + checkpoint + "\nbatch_size: 8\n");
    try (Model model = new InternVlProvider().load(spec, new PluginContext(0, temp, 1))) {
      ImageChat chat = model.require(ImageChat.class);
      List<String> alone = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        alone.add(
            chat.respond(
                    List.of(new ChatRequest(images.get(i), prompts.get(i), List.of())),
                    GenerationSettings.greedy(maxTokens))
                .get(0));
      }
      assertThat(alone).anySatisfy(a -> assertThat(a).isNotBlank());
      List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
      ChatServer[] server = new ChatServer[1];
      // the first call waits until the other requests are queued, so they come as one batch
      ImageChat counted =
          (requests, settings) -> {
            if (batches.isEmpty()) {
              long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
              while (server[0].waiting() + requests.size() < images.size()
                  && System.nanoTime() < deadline) {
                try {
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  break;
                }
              }
            }
            batches.add(requests.size());
            return chat.respond(requests, settings);
          };
      try (ChatServer s =
          ChatServer.start("tiny", counted, ServeOptions.defaults().withBatchSize(8))) {
        server[0] = s;
        Api api = new Api(s);
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
          ObjectNode body =
              Api.chat(
                  "tiny", prompts.get(i), images.get(i) == null ? null : Api.png(images.get(i)));
          body.put("max_tokens", maxTokens);
          replies.add(api.postAsync("/v1/chat/completions", body.toString(), null));
        }
        for (int i = 0; i < images.size(); i++) {
          Reply r = replies.get(i).get(120, TimeUnit.SECONDS);
          assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
          assertThat(r.content()).as("request %d", i).isEqualTo(alone.get(i));
        }
      }
      assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(images.size());
      assertThat(batches.stream().mapToInt(Integer::intValue).max().orElse(0)).isGreaterThan(1);
    }
  }
}
