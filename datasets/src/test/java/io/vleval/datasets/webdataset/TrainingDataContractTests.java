package io.vleval.datasets.webdataset;

import io.vleval.api.plugin.DatasetProvider;
import io.vleval.datasets.conversations.LlavaConversationsProvider;
import io.vleval.testkit.contract.DatasetProviderContractTest;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/** The training-data loaders pass the dataset contract. */
class TrainingDataContractTests {

  @Nested
  class WebDataset extends DatasetProviderContractTest<WebDatasetProvider.Spec> {
    @BeforeEach
    void shards() throws IOException {
      for (int s = 0; s < 3; s++) {
        try (TarWriter w = new TarWriter(temp.resolve("part-" + s + ".tar"))) {
          for (int i = 0; i < 4; i++) {
            w.add(s + "-" + i + ".jpg", TarWriter.png(s, i, 0)).add(s + "-" + i + ".txt", "c" + i);
          }
        }
      }
    }

    @Override
    protected DatasetProvider<WebDatasetProvider.Spec> provider() {
      return new WebDatasetProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "root: "
          + temp
          + "\nshards: ['part-{0..2}.tar']\nshuffle_buffer: 5\nshuffle_shards: true\nseed: 4\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("root: " + temp + "\nshuffle_buffer: -3\n", "shuffle_buffer");
    }
  }

  @Nested
  class LlavaConversations extends DatasetProviderContractTest<LlavaConversationsProvider.Spec> {
    @BeforeEach
    void annotations() throws IOException {
      StringBuilder jsonl = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        jsonl.append(
            "{\"id\": "
                + i
                + ", \"image\": \"i.jpg\", \"conversations\": [{\"from\": \"human\", \"value\":"
                + " \"<image>\\nq\"}, {\"from\": \"gpt\", \"value\": \"a\"}]}\n");
      }
      Files.writeString(temp.resolve("train.jsonl"), jsonl);
      Files.writeString(
          temp.resolve("meta.json"),
          "{\"train\": {\"root\": \".\", \"annotation\": \"train.jsonl\", \"repeat_time\": 1.0}}");
    }

    @Override
    protected DatasetProvider<LlavaConversationsProvider.Spec> provider() {
      return new LlavaConversationsProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "meta: " + temp.resolve("meta.json") + "\nshuffle_buffer: 3\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("annotations: " + temp.resolve("train.jsonl") + "\nrepeat: 2\n", "repeat");
    }
  }
}
