package io.vleval.api.spec;

/** The spec of a plugin that takes no options beyond the common keys. */
public record EmptySpec() {}
