package io.vleval.api.result;

/**
 * Which model produced results: its config name, plugin type, weights digest, engine and device.
 */
public record ModelProvenance(
    String name, String type, String checksum, String engine, String device) {}
