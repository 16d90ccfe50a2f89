package io.vleval.api.sample;

/** An image with one class label (classification, linear probing, zero-shot classification). */
public record LabelledImage(String id, ImageSource image, int label) implements Sample {}
