package io.vleval.tasks.mmbench;

/**
 * The outcome of one question: a circular group (all rotations) or, in vanilla evaluation, one row.
 *
 * @param index the group index (circular) or row index (vanilla)
 * @param hit 1 if answered correctly, else 0
 * @param log VLMEvalKit's log line for the outcome
 */
public record GroupResult(long index, int hit, String log) {}
