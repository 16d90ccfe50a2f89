package io.vleval.api.config;

/** One entry of {@code datasets:}. */
public record DatasetEntry(
    String name, String type, OnError onError, Record spec, ConfigLocation location) {}
