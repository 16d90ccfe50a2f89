package io.vleval.api.timing;

/** A phase of a task's work whose time the harness reports. */
public enum Phase {
  /** Reading and decoding images, label maps and video frames into pixels. */
  DECODE,
  /** Turning decoded images into model input (resizing, cropping, normalizing, tiling). */
  PREPROCESS,
  /** The model's own work: forward passes and generation. */
  MODEL,
  /** Computing the task's metrics from its records. */
  METRIC
}
