package io.vleval.model.internvl.provider;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.vleval.api.model.CaptionGenerator;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.Model;
import io.vleval.api.model.MultipleChoiceChat;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.RgbImage;
import io.vleval.testkit.SpecYaml;
import io.vleval.testkit.fake.FakeImages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat model's captions and answers are decoded {@code batch_size} requests at a time, and a
 * batch gives every request the reply it gets alone: images of different shapes (so different tile
 * counts and prompt lengths), a request without an image, greedy and beam search.
 */
class ChatBatchingTest {

  @TempDir Path temp;

  private Model load(int batchSize) {
    return load("preset: tiny-chat", batchSize);
  }

  private Model load(String weights, int batchSize) {
    return new InternVlProvider()
        .load(
            new SpecYaml(temp)
                .bind(InternVlSpec.class, weights + "\nbatch_size: " + batchSize + "\n"),
            new PluginContext(3, temp, 1));
  }

  /** Seeded noise of the given shape, so that tiles differ. */
  private static RgbImage noise(int seed, int width, int height) {
    byte[] rgb = new byte[width * height * 3];
    new Random(seed).nextBytes(rgb);
    return new RgbImage(width, height, rgb);
  }

  private static List<RgbImage> images() {
    // 1 tile; 2 tiles + thumbnail; 3 tiles + thumbnail; 2 tiles + thumbnail (portrait)
    return List.of(noise(1, 56, 56), noise(2, 112, 56), noise(3, 168, 60), noise(4, 50, 100));
  }

  @Test
  void batchedCaptionsEqualOneAtATime() {
    List<RgbImage> images = images();
    try (Model alone = load(1);
        Model batched = load(3)) {
      for (GenerationSettings s :
          List.of(GenerationSettings.greedy(10), new GenerationSettings(3, 1, 8, 1.0))) {
        List<String> one =
            alone.require(CaptionGenerator.class).caption(images, "English caption:", s);
        List<String> many =
            batched.require(CaptionGenerator.class).caption(images, "English caption:", s);
        assertThat(many).as("settings %s", s).hasSize(images.size()).isEqualTo(one);
        // a check that could not tell requests apart would prove nothing
        assertThat(new HashSet<>(one)).as("distinct replies in %s", one).hasSizeGreaterThan(1);
      }
    }
  }

  @Test
  void batchedAnswersEqualOneAtATime() {
    List<ChatRequest> requests = new ArrayList<>();
    List<RgbImage> images = images();
    for (int i = 0; i < images.size(); i++) {
      requests.add(
          new ChatRequest(images.get(i), "Question " + i + ": A or B?", List.of("A", "B")));
    }
    requests.add(1, new ChatRequest(null, "No image here. A or B?", List.of("A", "B")));
    try (Model alone = load(1);
        Model batched = load(8)) {
      GenerationSettings s = GenerationSettings.greedy(6);
      List<String> one = alone.require(MultipleChoiceChat.class).answer(requests, s);
      List<String> many = batched.require(MultipleChoiceChat.class).answer(requests, s);
      assertThat(many).hasSize(requests.size()).isEqualTo(one);
    }
  }

  /**
   * The shipped tiny chat model (trained, so its replies end at {@code <|im_end|>} after different
   * numbers of tokens): a batch stops each reply on its own and gives the replies of one at a time.
   */
  @Test
  void shippedChatModelStopsEachReplyOnItsOwn() {
    Path shipped = Path.of("..", "models", "tiny-internvl-chat").toAbsolutePath().normalize();
    List<RgbImage> images = new ArrayList<>(images());
    for (int i = 0; i < 4; i++) {
      images.add(FakeImages.solid(i, 60 + 20 * i));
    }
    try (Model alone = load("checkpoint: " + shipped, 1);
        Model batched = load("checkpoint: " + shipped, 8)) {
      GenerationSettings s = GenerationSettings.greedy(60);
      List<String> one =
          alone.require(CaptionGenerator.class).caption(images, "English caption:", s);
      List<String> many =
          batched.require(CaptionGenerator.class).caption(images, "English caption:", s);
      assertThat(many).isEqualTo(one);
      assertThat(one.stream().map(String::length).distinct().count())
          .as("reply lengths in %s", one)
          .isGreaterThan(1);
      // the tokenizer is character-level: a reply that ran to the limit has 60 characters
      assertThat(one)
          .as("replies that stopped before the limit")
          .anyMatch(r -> r.length() < s.maxNewTokens());
    }
  }

  /** Batches with beams and requests that stop early free every array they made. */
  @Test
  void batchesReleaseEveryArray() {
    List<RgbImage> images = images();
    try (NDManager probe = NDManager.newBaseManager("PyTorch");
        Model batched = load(3)) {
      NDManager engine = probe.getParentManager();
      int before = engine.getManagedArrays().size();
      for (int round = 0; round < 3; round++) {
        batched
            .require(CaptionGenerator.class)
            .caption(images, "English caption:", new GenerationSettings(3, 0, 6, 1.0));
        batched
            .require(MultipleChoiceChat.class)
            .answer(
                List.of(
                    new ChatRequest(images.get(round), "A or B?", List.of("A", "B")),
                    new ChatRequest(null, "no image", List.of())),
                GenerationSettings.greedy(4));
        assertThat(engine.getManagedArrays())
            .as("live arrays after round %d", round)
            .hasSize(before);
      }
    }
  }
}
