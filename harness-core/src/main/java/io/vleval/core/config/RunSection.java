package io.vleval.core.config;

import io.vleval.api.spec.Doc;
import java.nio.file.Path;

/** The YAML shape of the {@code run:} section, with its defaults. */
record RunSection(
    @Doc("shown in reports and in the run directory's name (default: the config file's name)")
        String name,
    @Doc("seed every random choice derives from (default 0)") Long seed,
    @Doc("folder the run directory is made in (default: runs/ beside the config)") Path out,
    @Doc("threads for decoding and preprocessing (default: the number of cores, at most 4)")
        Integer workers,
    @Doc("samples per model call unless a task sets its own (default 16)") Integer batchSize,
    @Doc(
            "folder for artefacts reused between runs: cached features, the synthetic suite "
                + "(default: $VLEVAL_CACHE, else ~/.cache/vleval)")
        Path cache) {}
