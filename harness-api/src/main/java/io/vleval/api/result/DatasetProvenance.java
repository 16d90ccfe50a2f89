package io.vleval.api.result;

/** Which data results were computed on. */
public record DatasetProvenance(String name, String type, String fingerprint, long size, String location) {}
