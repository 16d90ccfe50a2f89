package io.vleval.engine.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.result.RunResult;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticDatasetProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under {@code on_error: skip}, samples that fail on an executor are recorded in the errors file as
 * the local engine records them, and the scores of the rest are the same.
 */
class SparkSkippedSamplesTest {

  private static final long SEED = 3;

  @TempDir Path temp;

  @Test
  void unreadableSamplesAreRecordedAsLocally() throws IOException {
    Path cache = temp.resolve("cache");
    Path suite = SyntheticDatasetProvider.ensureSuite(cache, Scale.TINY, SEED, 2);
    List<Path> images;
    try (Stream<Path> files = Files.walk(suite.resolve("classification/val"))) {
      images = files.filter(Files::isRegularFile).sorted().toList();
    }
    // every fifth image is garbage: some batches fail and are retried one sample at a time
    for (int i = 0; i < images.size(); i += 5) {
      Files.writeString(images.get(i), "not an image");
    }
    Path root = Path.of(System.getProperty("vleval.repoRoot"));
    Path config = temp.resolve("skip.yaml");
    Files.writeString(
        config,
        """
        run: {name: skip, seed: 0, batch_size: 4}
        models:
          - {name: tiny-internvl, type: internvl, checkpoint: '%s', head: c}
        datasets:
          - {name: shapes-val, type: synthetic, scale: tiny, seed: %d, cache: '%s', \
        part: classification-val, on_error: skip}
        tasks:
          - {name: zero-shot, type: zero-shot-classification, dataset: shapes-val}
        """
            .formatted(root.resolve("models/tiny-internvl-c"), SEED, cache));
    RunResult local = EngineRuns.local(config, temp.resolve("local"), false);
    RunResult spark = EngineRuns.spark(config, temp.resolve("spark"), false, "local[2]");
    assertThat(local.tasks().get(0).skippedCount() + local.tasks().get(0).failedCount())
        .isPositive();
    EngineRuns.assertSameScores(local, spark);
    Path errors = Path.of("samples", "tiny-internvl", "zero-shot.errors.jsonl");
    assertThat(Files.readString(temp.resolve("spark").resolve(errors)))
        .isEqualTo(Files.readString(temp.resolve("local").resolve(errors)));
    EngineRuns.assertSameSamples(temp.resolve("local"), temp.resolve("spark"));
  }
}
