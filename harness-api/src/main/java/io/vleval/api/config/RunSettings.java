package io.vleval.api.config;

import java.nio.file.Path;

/**
 * The {@code run:} section.
 *
 * @param name shown in reports; names the run directory
 * @param seed every random choice in the run derives from it
 * @param out where run directories go (default {@code runs/} next to the config)
 * @param workers threads for decoding and preprocessing
 * @param batchSize samples per model call unless a task says otherwise
 * @param cache folder for reusable artefacts shared between runs (cached features, generated data);
 *     it never changes scores, so it is not part of the normalized config
 */
public record RunSettings(
    String name, long seed, Path out, int workers, int batchSize, Path cache) {}
