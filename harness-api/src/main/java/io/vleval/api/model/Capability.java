package io.vleval.api.model;

/**
 * Marker for what a model can do. Tasks ask for capabilities by interface ({@code
 * model.capability(ImageEmbedder.class)}), never by string.
 */
public interface Capability {}
