package io.vleval.reports.run;

/**
 * One per-sample record as reports show it. See {@link SampleRecords} for the field names read.
 *
 * @param line the record's line in its JSONL file, from 1
 * @param prediction the model's output as text, or {@code null}
 * @param reference the expected output(s) as text, or {@code null}
 * @param correct whether the sample was right, or {@code null} when the record does not say
 * @param score the per-sample score (higher is better), or {@code null}
 * @param other the record's remaining fields as compact JSON, or {@code null} when there are none
 */
public record SampleView(
    long line,
    String id,
    String prediction,
    String reference,
    Boolean correct,
    Double score,
    String other) {}
