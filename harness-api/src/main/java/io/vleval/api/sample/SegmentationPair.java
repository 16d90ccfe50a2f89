package io.vleval.api.sample;

/** An image with its per-pixel class map (semantic segmentation). */
public record SegmentationPair(String id, ImageSource image, LabelMapSource labels)
    implements Sample {}
