package io.vleval.api.plugin;

import java.nio.file.Path;

/**
 * What the harness gives a plugin when it builds the heavy object.
 *
 * @param seed the run's seed; plugins derive their randomness from it
 * @param cacheDirectory a folder the plugin may keep reusable files in (features, generated data)
 * @param workers how many threads the plugin may use for decoding and preprocessing
 */
public record PluginContext(long seed, Path cacheDirectory, int workers) {
  public PluginContext {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, got " + workers);
    }
  }
}
