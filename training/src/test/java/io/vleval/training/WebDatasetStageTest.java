package io.vleval.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.plugin.PluginContext;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.training.data.ImagePixels;
import io.vleval.training.data.TrainingDatasets;
import io.vleval.training.data.TrainingInputs;
import io.vleval.training.loop.StepReport;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.spec.TrainConfigLoader;
import io.vleval.training.spec.TrainSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stage 1 on WebDataset shards, streamed ({@code shuffle_buffer}): the stage reads the shards
 * through the {@code webdataset} loader, epoch after epoch in a new seeded shard order, and its
 * loss falls; the run is reproducible; the retrieval task scores it on a held-out shard.
 */
class WebDatasetStageTest {

  static final String[] COLOURS = {"red", "green", "blue", "yellow", "white", "purple"};
  static final int[] RGB = {0xdc1e1e, 0x1ec828, 0x283ce6, 0xf0dc1e, 0xfafafa, 0x9628aa};

  @TempDir Path dir;

  /** Writes {@code shards} shards of {@code perShard} coloured squares, each with its caption. */
  static Path shards(Path root, int shards, int perShard, int side) throws Exception {
    Files.createDirectories(root);
    int n = 0;
    for (int s = 0; s < shards; s++) {
      try (Shards w = new Shards(root.resolve(String.format(Locale.ROOT, "%05d.tar", s)))) {
        for (int i = 0; i < perShard; i++, n++) {
          int c = n % COLOURS.length;
          w.pair(
              String.format(Locale.ROOT, "%07d", n),
              Shards.png(Shards.square(RGB[c], n, side)),
              "a " + COLOURS[c] + " square");
        }
      }
    }
    return root;
  }

  /**
   * Stage 1 on the first four shards, streamed through a shuffle buffer, then scored by the
   * retrieval task on the fifth (held out), written as a user writes it.
   */
  static TrainSpec recipe(Path shards, Path out, int steps, int batch, int buffer)
      throws Exception {
    Files.createDirectories(out);
    Path file = out.resolve("recipe.yaml");
    Files.writeString(
        file,
        String.format(
            Locale.ROOT,
            """
            train: {name: wds, seed: 7, out: '%s'}
            datasets:
              - {name: laion, type: webdataset, root: '%s', shards: ['{00000..00003}.tar']}
              - {name: laion-heldout, type: webdataset, root: '%s', shards: ['00004.tar']}
            stages:
              - name: s1
                kind: contrastive
                model: {preset: tiny-internvl, seed: 0}
                data: {captions: laion, shuffle_buffer: %d}
                steps: %d
                batch_size: %d
                optimizer: {lr: 2.0e-3}
                schedule: {warmup_steps: 5, min_lr_ratio: 0.1}
                eval:
                  - {name: retrieval, type: retrieval, dataset: laion-heldout}
            """,
            out,
            shards,
            shards,
            buffer,
            steps,
            batch));
    return TrainConfigLoader.load(file);
  }

  static Training training(TrainSpec spec, List<String> messages) {
    return new Training(
        spec,
        new TrainingInputs(
            new TrainingDatasets(
                spec,
                PluginRegistry.discover(WebDatasetStageTest.class.getClassLoader()),
                new PluginContext(0, spec.train().out().resolve("cache"), 1)),
            ImagePixels.defaultCapacity(),
            messages::add),
        spec.train().out(),
        new TrainingListener() {
          @Override
          public void onStep(StepReport r) {}

          @Override
          public void onMessage(String m) {
            messages.add(m);
          }
        });
  }

  @Test
  void stage1OnStreamedShardsLowersItsLoss() throws Exception {
    Path shards = shards(dir.resolve("shards"), 5, 60, 64);
    List<String> messages = new ArrayList<>();
    Training.StageOutcome o =
        training(recipe(shards, dir.resolve("a"), 60, 16, 100), messages).run(false).get(0);
    double first = o.result().meanLoss(5, false);
    double last = o.result().meanLoss(5, true);
    System.out.printf(Locale.ROOT, "stage 1 on shards: %.3f -> %.3f%n", first, last);
    assertThat(last).isLessThan(first * 0.8);
    // 60 steps of 16 over 240 pairs: four epochs, each a new shard order
    List<String> log = Files.readAllLines(dir.resolve("a/s1/log.csv"));
    assertThat(log.get(log.size() - 1).split(",")[1]).isEqualTo("4");
    // scored through the retrieval task on the held-out shard
    assertThat(o.evaluation().resolve("results.json")).exists();
    assertThat(o.metrics().get("retrieval.mean_recall")).isBetween(0.0, 1.0);
    // the same seed draws the same stream: the same losses
    Training.StageOutcome again =
        training(recipe(shards, dir.resolve("b"), 60, 16, 100), new ArrayList<>())
            .run(false)
            .get(0);
    assertThat(again.result().losses()).isEqualTo(o.result().losses());
  }
}
