package io.vleval.api.result;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One score, immutable: value, direction, unit and, where computed, its confidence interval. A
 * value the reference reports as NaN stays NaN (written as {@code "NaN"} in JSON).
 *
 * @param unit "%" for percentages, "" for plain numbers
 */
public record MetricValue(
    String name,
    double value,
    Direction direction,
    String unit,
    @JsonInclude(JsonInclude.Include.NON_NULL) ConfidenceInterval interval) {

  public static MetricValue higherIsBetter(String name, double value, String unit) {
    return new MetricValue(name, value, Direction.HIGHER_IS_BETTER, unit, null);
  }

  public MetricValue withInterval(ConfidenceInterval ci) {
    return new MetricValue(name, value, direction, unit, ci);
  }
}
