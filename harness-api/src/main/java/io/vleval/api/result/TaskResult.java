package io.vleval.api.result;

import java.util.List;

/**
 * The outcome of one task on one model and one dataset.
 *
 * @param task the task's name in the config
 * @param type the task's plugin type
 * @param version the task's protocol version
 * @param errorCount samples skipped with {@code on_error: skip}
 * @param wallSeconds time spent in this task, feature extraction included
 * @param samplesPerSecond throughput over the samples processed in this run (resumed ones excluded)
 */
public record TaskResult(
    String task,
    String type,
    String version,
    String model,
    String dataset,
    String headline,
    List<MetricValue> metrics,
    List<CategoryBreakdown> categories,
    long sampleCount,
    long errorCount,
    double wallSeconds,
    double samplesPerSecond) {

  public TaskResult {
    metrics = List.copyOf(metrics);
    categories = List.copyOf(categories);
  }

  public MetricValue metric(String name) {
    return metrics.stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("no metric '" + name + "' in task " + task));
  }
}
