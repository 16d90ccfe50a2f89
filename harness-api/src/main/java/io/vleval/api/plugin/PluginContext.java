package io.vleval.api.plugin;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What the harness gives a plugin when it builds the heavy object.
 *
 * @param seed the run's seed; plugins derive their randomness from it
 * @param cacheDirectory a folder the plugin may keep reusable files in (features, generated data),
 *     shared by every run that names the same cache
 * @param workers how many threads the plugin may use for decoding and preprocessing
 * @param runDirectory the run directory of the run that loads the plugin, for what belongs to that
 *     run alone and must survive {@code --resume} (a served model's replies); {@code null} outside
 *     a run and where the process may not write the run directory (a distributed engine's workers)
 */
public record PluginContext(long seed, Path cacheDirectory, int workers, Path runDirectory) {
  public PluginContext {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, got " + workers);
    }
  }

  /** A context outside a run directory. */
  public PluginContext(long seed, Path cacheDirectory, int workers) {
    this(seed, cacheDirectory, workers, null);
  }

  /** The run directory, when the plugin is loaded by a run that writes one here. */
  public Optional<Path> run() {
    return Optional.ofNullable(runDirectory);
  }
}
