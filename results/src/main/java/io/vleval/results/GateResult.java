package io.vleval.results;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The outcome of one gate rule on one (model, task, metric): passed or not, and a message that says
 * what was checked and, on failure, what was found and expected.
 *
 * @param gate a short, stable name: {@code model/task/metric}
 * @param current the metric's value in the current run, or {@code null} when it is missing
 * @param baseline the baseline's value, or {@code null} when there is none
 */
public record GateResult(
    String gate,
    String model,
    String task,
    String metric,
    boolean passed,
    String message,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double current,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double baseline) {}
