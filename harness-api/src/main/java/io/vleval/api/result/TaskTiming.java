package io.vleval.api.result;

/**
 * Where a task's wall time went, measured on the thread that ran it (see {@code
 * io.vleval.api.timing.PhaseTimer}): the phases are exclusive, so they add up to at most the wall
 * time, and what is left is the harness's own work (batching, records, the task's bookkeeping).
 *
 * @param decodeSeconds reading and decoding images, label maps and video frames, plus waiting for
 *     the pipeline's workers to decode ahead of the model (decoding hidden behind the model is not
 *     counted)
 * @param preprocessSeconds turning decoded images into model input, where the model reports it
 * @param modelSeconds inside model calls, less the decoding and preprocessing within them
 * @param metricSeconds computing the metrics from the records
 * @param samplesPerWallSecond samples processed in this run (resumed ones excluded) per second of
 *     the task's wall time
 */
public record TaskTiming(
    double decodeSeconds,
    double preprocessSeconds,
    double modelSeconds,
    double metricSeconds,
    double samplesPerWallSecond) {

  /**
   * @return the four phases' total, in seconds
   */
  public double phaseSeconds() {
    return decodeSeconds + preprocessSeconds + modelSeconds + metricSeconds;
  }

  /**
   * The end-to-end overhead figure: the model's share of the wall time.
   *
   * @param wallSeconds the task's wall time
   * @return {@code modelSeconds / wallSeconds}, 0 when no time passed
   */
  public double modelShare(double wallSeconds) {
    return wallSeconds <= 0 ? 0 : modelSeconds / wallSeconds;
  }
}
