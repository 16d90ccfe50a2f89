package io.vleval.model.internvl.train.spec;

import io.vleval.api.spec.Doc;
import java.nio.file.Path;

/**
 * Run-wide settings of {@code vleval train}.
 *
 * @param name the run's name
 * @param seed every random choice (weights, shuffling, negatives) derives from it
 * @param out where stage folders go
 * @param threads PyTorch intra-op threads (0 = the engine's default)
 */
public record TrainSettings(
        @Doc("the run's name (default: the config file's name)") String name,
        @Doc("seed of weights, shuffling and sampling (default 0)") Long seed,
        @Doc("where stage folders go (default: train-runs/<name> beside the config)") Path out,
        @Doc("PyTorch intra-op threads, 0 for the engine's default (default 0)") Integer threads) {

    /** Defaults. */
    public TrainSettings {
        seed = seed == null ? 0L : seed;
        threads = threads == null ? 0 : threads;
    }
}
