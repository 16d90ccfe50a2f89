package io.vleval.tasks.contract;

import io.vleval.api.model.Model;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.Sample;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticDatasetProvider;
import io.vleval.model.baseline.PixelBaselineProvider;
import io.vleval.model.baseline.RandomModelProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tiny synthetic suite (generated once per test JVM) and the weight-free models the task tests
 * run on.
 */
final class Suite {
  private static Path cache;

  private Suite() {}

  static synchronized Path cache() {
    if (cache == null) {
      try {
        cache = Files.createTempDirectory("vleval-task-suite");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      SyntheticDatasetProvider.ensureSuite(cache, Scale.TINY, 3, 2);
    }
    return cache;
  }

  static Dataset<? extends Sample> part(SyntheticDatasetProvider.Part part, String language) {
    return new SyntheticDatasetProvider()
        .open(
            new SyntheticDatasetProvider.Spec(part, Scale.TINY, 3L, language, cache()),
            new PluginContext(0, cache(), 1));
  }

  static Dataset<? extends Sample> part(SyntheticDatasetProvider.Part part) {
    return part(part, null);
  }

  static Model pixels() {
    return new PixelBaselineProvider()
        .load(new PixelBaselineProvider.Spec(4), new PluginContext(0, cache(), 1));
  }

  static Model random() {
    return new RandomModelProvider()
        .load(new RandomModelProvider.Spec(16, 4), new PluginContext(0, cache(), 1));
  }
}
