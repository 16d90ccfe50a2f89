package io.vleval.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.Model;
import io.vleval.api.model.MultipleChoiceChat;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.testkit.contract.ModelProviderContractTest;
import io.vleval.testkit.fake.FakeImages;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RandomModelProviderTest extends ModelProviderContractTest<RandomModelProvider.Spec> {

  @Override
  protected ModelProvider<RandomModelProvider.Spec> provider() {
    return new RandomModelProvider();
  }

  @Override
  protected String exampleSpecYaml() {
    return "embedding_size: 32\n";
  }

  @Override
  protected BadSpec badSpec() {
    return new BadSpec("embedding_size: many\n", "embedding_size");
  }

  @Test
  void answersAreSpreadEvenlyOverTheOptions() {
    try (Model model = provider().load(exampleSpec(), context(1))) {
      MultipleChoiceChat chat = model.require(MultipleChoiceChat.class);
      List<ChatRequest> requests = new ArrayList<>();
      for (int i = 0; i < 4000; i++) {
        requests.add(new ChatRequest(null, "question " + i, List.of("A", "B", "C", "D")));
      }
      Map<String, Integer> counts = new HashMap<>();
      for (String a : chat.answer(requests, GenerationSettings.greedy(1))) {
        counts.merge(a, 1, Integer::sum);
      }
      // chance level: each letter near 1000 of 4000 (binomial sd ~27)
      assertThat(counts).containsOnlyKeys("A", "B", "C", "D");
      counts.values().forEach(c -> assertThat(c).isBetween(850, 1150));
    }
  }

  @Test
  void differentSeedsGiveDifferentEmbeddings() {
    float[] a;
    float[] b;
    try (Model model = provider().load(exampleSpec(), context(1))) {
      a =
          model.require(ImageEmbedder.class)
              .embedImages(List.of(FakeImages.solid(3, 16)), ImageView.SQUASH)[0];
    }
    try (Model model = provider().load(exampleSpec(), context(2))) {
      b =
          model.require(ImageEmbedder.class)
              .embedImages(List.of(FakeImages.solid(3, 16)), ImageView.SQUASH)[0];
    }
    assertThat(a).isNotEqualTo(b);
  }
}
