package io.vleval.api.sample;

/** A video clip with one class label (zero-shot video classification). */
public record LabelledVideo(String id, VideoSource video, int label) implements Sample {}
