package io.vleval.engine.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.result.RunResult;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticDatasetProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task with {@code eval_datasets}: executors derive each further row's session from the first, as
 * the local engine does, and every row's records and scores are the same.
 */
class SparkEvalDatasetsTest {

  @TempDir Path temp;

  @Test
  void furtherRowsEqualTheLocalEngines() throws IOException {
    Path suite = SyntheticDatasetProvider.ensureSuite(temp.resolve("cache"), Scale.TINY, 3, 2);
    Path config = temp.resolve("rows.yaml");
    Files.writeString(
        config,
        """
        run: {name: rows, seed: 3, batch_size: 8}
        models:
          - {name: pixels, type: pixel-baseline}
        datasets:
          - {name: train, type: imagefolder, root: '%1$s/classification/train'}
          - {name: val, type: imagefolder, root: '%1$s/classification/val'}
          - {name: again, type: imagefolder, root: '%1$s/classification/val'}
        tasks:
          - name: lp
            type: linear-probe
            dataset: val
            train_dataset: train
            eval_datasets: [again]
            epochs: 2
            batch_size: 16
            resamples: 0
        """
            .formatted(suite));
    RunResult local = EngineRuns.local(config, temp.resolve("local"), false);
    RunResult spark = EngineRuns.spark(config, temp.resolve("spark"), false, "local[2]");
    assertThat(local.tasks()).hasSize(2);
    EngineRuns.assertSameScores(local, spark);
    EngineRuns.assertSameSamples(temp.resolve("local"), temp.resolve("spark"));
  }
}
