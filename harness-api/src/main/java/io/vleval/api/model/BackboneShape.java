package io.vleval.api.model;

/**
 * What a model's image backbone is, known without loading its weights (from a checkpoint's
 * configuration), so that a task's protocol can be checked against it when the config is validated:
 * a probe of block 44 needs a backbone with at least 45 blocks.
 *
 * @param depth the number of transformer blocks
 * @param channels the channels of a block's tokens
 * @param patchSize the side of one patch, in pixels
 * @param inputSize the square side the backbone was trained at, in pixels
 */
public record BackboneShape(int depth, int channels, int patchSize, int inputSize) {}
