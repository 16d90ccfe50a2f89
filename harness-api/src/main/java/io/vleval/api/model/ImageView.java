package io.vleval.api.model;

/**
 * How a task wants its images brought to the model's input size, because protocols differ:
 * zero-shot classification crops, retrieval and captioning squash.
 */
public enum ImageView {
  /** Resize the shorter side to the input size (bicubic), then center-crop a square. */
  SHORTER_SIDE_CENTER_CROP,
  /** Resize straight to a square (bicubic), distorting the aspect ratio. */
  SQUASH
}
