package io.vleval.core.run;

import io.vleval.api.task.SampleRecord;

/** A sample that could not be read, recorded under {@code on_error: skip}. */
record SampleError(String sampleId, String error) implements SampleRecord {}
