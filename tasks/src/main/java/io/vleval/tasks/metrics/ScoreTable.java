package io.vleval.tasks.metrics;

import io.vleval.api.result.ConfidenceInterval;
import io.vleval.api.result.Direction;
import io.vleval.api.result.MetricValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

/**
 * The plain result of scoring one metric family: metric name to value (and optional confidence
 * interval), in the order the reference reports them, plus how many units were scored.
 *
 * <p>It holds the run's own result values ({@link MetricValue}: every metric of these families
 * improves upwards, in the reference's units), so a task reports them as they are and the CLI
 * renders them without knowing how they were computed.
 *
 * @param family metric family, e.g. {@code captioning}
 * @param unit what one resampling unit is, e.g. {@code image}, {@code sample}, {@code question}
 * @param units how many units were scored
 * @param metrics the metrics in report order; names are unique
 */
public record ScoreTable(String family, String unit, int units, List<MetricValue> metrics) {

  public ScoreTable {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(unit, "unit");
    metrics = List.copyOf(metrics);
    Map<String, MetricValue> seen = new LinkedHashMap<>();
    for (MetricValue m : metrics) {
      if (seen.put(m.name(), m) != null) {
        throw new IllegalArgumentException("duplicate metric name '" + m.name() + "' in " + family);
      }
    }
  }

  /**
   * A metric as the families compute it: higher is better, a plain number (fractions, or CIDEr x1).
   *
   * @param interval its bootstrap interval, or {@code null} when none was requested
   */
  public static MetricValue metric(String name, double value, ConfidenceInterval interval) {
    return new MetricValue(
        Objects.requireNonNull(name, "name"), value, Direction.HIGHER_IS_BETTER, "", interval);
  }

  /** The metric with this name, if present. */
  public Optional<MetricValue> find(String name) {
    return metrics.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /**
   * The point value of the named metric; throws {@link NoSuchElementException} naming the known
   * metrics.
   */
  public double value(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new NoSuchElementException(
                    "no metric '" + name + "' in " + family + " scores; known: " + names()))
        .value();
  }

  /** Metric names in report order. */
  public List<String> names() {
    return metrics.stream().map(MetricValue::name).toList();
  }
}
