package io.vleval.core.run;

import java.nio.file.Path;

/**
 * The {@link java.util.ServiceLoader} entry of a distributed engine, named by {@code vleval run
 * --engine NAME}. Cheap: nothing starts until {@link #start}.
 */
public interface RemoteEngineProvider {

  /** The engine's name on the command line, e.g. {@code spark}. */
  String name();

  /**
   * Starts the engine.
   *
   * @param configFile the run's config, which workers load again (a path they can read)
   * @param master where the engine's workers are, in the engine's own terms, or {@code null} for
   *     its default
   * @return the started engine, closed by the caller
   */
  RemoteEngine start(Path configFile, String master);
}
