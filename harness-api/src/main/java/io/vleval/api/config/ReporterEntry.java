package io.vleval.api.config;

/** One entry of {@code reporters:}. */
public record ReporterEntry(String type, Record spec, ConfigLocation location) {}
