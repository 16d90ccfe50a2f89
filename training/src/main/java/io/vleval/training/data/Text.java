package io.vleval.training.data;

import io.vleval.api.sample.Sample;

/**
 * A text a language-model warm-up trains on (a reference caption).
 *
 * @param id where it comes from ({@code captions-en/000123#2})
 * @param text the text
 */
public record Text(String id, String text) implements Sample {}
