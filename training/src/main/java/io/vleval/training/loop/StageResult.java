package io.vleval.training.loop;

import java.nio.file.Path;
import java.util.List;

/**
 * What a stage did, as plain values.
 *
 * @param stage the stage's name
 * @param losses the loss of every step 1..steps (from the log, so a resumed stage reports all of
 *     them)
 * @param seconds wall time of this session's steps
 * @param samplesPerSecond mean throughput of this session
 * @param finalCheckpoint the folder holding the last checkpoint
 */
public record StageResult(
    String stage,
    List<Double> losses,
    double seconds,
    double samplesPerSecond,
    Path finalCheckpoint) {

  /**
   * @return the first step's loss
   */
  public double firstLoss() {
    return losses.get(0);
  }

  /**
   * @return the last step's loss
   */
  public double finalLoss() {
    return losses.get(losses.size() - 1);
  }

  /**
   * @param n how many steps
   * @param fromEnd true for the last n, false for the first n
   * @return the mean loss over those steps
   */
  public double meanLoss(int n, boolean fromEnd) {
    int k = Math.min(n, losses.size());
    List<Double> part =
        fromEnd ? losses.subList(losses.size() - k, losses.size()) : losses.subList(0, k);
    return part.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }
}
