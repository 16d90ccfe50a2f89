package io.vleval.model.internvl.train.spec;

import io.vleval.api.spec.Doc;
import java.nio.file.Path;

/**
 * The training data: the built-in synthetic suite (generated into the cache on first use). Its
 * parts feed the stages: classification-train and captions-train (contrastive, generative), their
 * text (LM warm-up), questions made from the training images (SFT); classification-val,
 * captions-test and the mmbench part are only used to report metrics after each stage.
 *
 * @param syntheticScale tiny, small or medium
 * @param syntheticSeed the suite's generator seed
 * @param cache where the suite is generated
 */
public record DataSpec(
        @Doc("scale of the synthetic suite: tiny, small or medium (default small)") String syntheticScale,
        @Doc("generator seed of the suite (default 0)") Long syntheticSeed,
        @Doc("cache folder (default $VLEVAL_CACHE, else ~/.cache/vleval)") Path cache) {

    /** Defaults and checks. */
    public DataSpec {
        syntheticScale = syntheticScale == null ? "small" : syntheticScale;
        syntheticSeed = syntheticSeed == null ? 0L : syntheticSeed;
        if (!java.util.List.of("tiny", "small", "medium").contains(syntheticScale)) {
            throw new IllegalArgumentException("'synthetic_scale' must be tiny, small or medium, found '" + syntheticScale + "'");
        }
    }
}
