package io.vleval.api.result;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A bootstrap confidence interval. A bound that a results file leaves {@code null} or out reads as
 * NaN, never as 0.
 *
 * @param level e.g. 0.95
 * @param resamples how many bootstrap resamples it came from
 */
public record ConfidenceInterval(double lower, double upper, double level, int resamples) {

  /** Reads an interval from a results file: a {@code null} or absent bound is NaN. */
  @JsonCreator
  static ConfidenceInterval fromJson(
      @JsonProperty("lower") Double lower,
      @JsonProperty("upper") Double upper,
      @JsonProperty("level") Double level,
      @JsonProperty("resamples") int resamples) {
    return new ConfidenceInterval(nanIfNull(lower), nanIfNull(upper), nanIfNull(level), resamples);
  }

  private static double nanIfNull(Double v) {
    return v == null ? Double.NaN : v;
  }
}
