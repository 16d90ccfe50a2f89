package io.vleval.api.result;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One score, immutable: value, direction, unit and, where computed, its confidence interval. A
 * value the reference reports as NaN stays NaN (written as {@code "NaN"} in JSON). A value that a
 * results file leaves {@code null} or out reads as NaN, never as 0, so no reader (gates,
 * leaderboard, Allure) can show a number the file did not give.
 *
 * @param unit "%" for percentages, "" for plain numbers
 */
public record MetricValue(
    String name,
    double value,
    Direction direction,
    String unit,
    @JsonInclude(JsonInclude.Include.NON_NULL) ConfidenceInterval interval) {

  /** Reads a metric from a results file: a {@code null} or absent value is NaN. */
  @JsonCreator
  static MetricValue fromJson(
      @JsonProperty("name") String name,
      @JsonProperty("value") Double value,
      @JsonProperty("direction") Direction direction,
      @JsonProperty("unit") String unit,
      @JsonProperty("interval") ConfidenceInterval interval) {
    return new MetricValue(name, value == null ? Double.NaN : value, direction, unit, interval);
  }

  public static MetricValue higherIsBetter(String name, double value, String unit) {
    return new MetricValue(name, value, Direction.HIGHER_IS_BETTER, unit, null);
  }

  public MetricValue withInterval(ConfidenceInterval ci) {
    return new MetricValue(name, value, direction, unit, ci);
  }
}
