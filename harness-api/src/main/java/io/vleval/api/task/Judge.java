package io.vleval.api.task;

import io.vleval.api.model.ImageChat;

/**
 * A model a task may consult to grade or parse replies (MM-Vet grading, MMBench choice extraction
 * when the rules fail), named in the task's {@code judge:} key.
 *
 * @param model the judge's name in the run's {@code judges:}, recorded with the results
 * @param chat how to ask it
 */
public record Judge(String model, ImageChat chat) {}
