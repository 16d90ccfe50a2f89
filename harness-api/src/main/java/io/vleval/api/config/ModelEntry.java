package io.vleval.api.config;

/** One entry of {@code models:}: its name, plugin type, and the plugin's bound options. */
public record ModelEntry(String name, String type, Record spec, ConfigLocation location) {}
