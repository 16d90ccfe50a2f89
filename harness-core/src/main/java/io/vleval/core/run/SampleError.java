package io.vleval.core.run;

/** A sample that could not be read, recorded under {@code on_error: skip}. */
record SampleError(String sampleId, String error) implements io.vleval.api.task.SampleRecord {}
