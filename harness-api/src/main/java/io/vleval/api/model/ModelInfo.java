package io.vleval.api.model;

/**
 * Provenance a model reports about itself once loaded.
 *
 * @param checksum a digest of the weights (or of the seed and configuration for generated models),
 *     so results can be tied to exactly what was evaluated
 * @param engine the numerical engine, e.g. "PyTorch 2.7.1 (DJL 0.36.0)", or "java" for plain code
 * @param device the device actually used, e.g. "cpu" or "gpu:0"
 */
public record ModelInfo(String checksum, String engine, String device) {}
