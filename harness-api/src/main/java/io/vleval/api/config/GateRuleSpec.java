package io.vleval.api.config;

import io.vleval.api.spec.Doc;

/**
 * One regression gate: which metric of which tasks and models it checks, and the checks. Every
 * check that is set must pass. A drop is the change in the metric's worse direction (for a
 * lower-is-better metric, an increase), so an improvement is never a drop.
 *
 * @param task the task's name; {@code null}: every task
 * @param model the model's name; {@code null}: every model
 * @param metric the metric's name; {@code null}: each task's headline metric
 * @param min the value must be at least this (an absolute floor)
 * @param max the value must be at most this (a ceiling, for lower-is-better metrics)
 * @param maxDrop the drop against the baseline may be at most this, in the metric's unit
 * @param maxDropRelative the drop may be at most this fraction of the baseline value (0.05 = 5%)
 * @param significance fail a drop past its tolerance only when the baseline value also lies outside
 *     the current run's bootstrap confidence interval
 */
public record GateRuleSpec(
    @Doc("task name (default: every task)") String task,
    @Doc("model name (default: every model)") String model,
    @Doc("metric name (default: the task's headline metric)") String metric,
    @Doc("absolute floor: the value must be at least this") Double min,
    @Doc("absolute ceiling: the value must be at most this") Double max,
    @Doc("largest allowed drop against the baseline, in the metric's unit") Double maxDrop,
    @Doc("largest allowed drop against the baseline as a fraction of it (0.05 = 5%)")
        Double maxDropRelative,
    @Doc(
            "fail a drop only when the baseline lies outside the current bootstrap interval (default false)")
        Boolean significance) {

  public GateRuleSpec {
    if (min == null && max == null && maxDrop == null && maxDropRelative == null) {
      throw new IllegalArgumentException(
          "a gate rule needs at least one check: min, max, max_drop or max_drop_relative");
    }
    for (Double d : new Double[] {min, max, maxDrop, maxDropRelative}) {
      if (d != null && !Double.isFinite(d)) {
        throw new IllegalArgumentException("gate thresholds must be finite numbers, found " + d);
      }
    }
    if (maxDrop != null && maxDrop < 0) {
      throw new IllegalArgumentException("max_drop must be 0 or more, found " + maxDrop);
    }
    if (maxDropRelative != null && maxDropRelative < 0) {
      throw new IllegalArgumentException(
          "max_drop_relative must be 0 or more (a fraction: 0.05 = 5%), found " + maxDropRelative);
    }
    if (min != null && max != null && min > max) {
      throw new IllegalArgumentException("min " + min + " is above max " + max);
    }
    significance = significance != null && significance;
  }

  /** Whether the rule compares against a baseline. */
  public boolean needsBaseline() {
    return maxDrop != null || maxDropRelative != null;
  }
}
