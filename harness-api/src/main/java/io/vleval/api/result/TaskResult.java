package io.vleval.api.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The outcome of one task on one model and one dataset.
 *
 * @param task the task's name in the config
 * @param type the task's plugin type
 * @param version the task's protocol version
 * @param headline the metric leaderboards show first; {@code null} when the task has no score
 * @param sampleCount samples scored
 * @param errorCount samples left out under {@code on_error: skip}: {@code skippedCount +
 *     failedCount}
 * @param wallSeconds time spent in this task, feature extraction included
 * @param samplesPerSecond throughput over the samples processed in this run (resumed ones excluded)
 * @param skippedCount samples left out because they could not be read (the dataset's entry or its
 *     image, labels or video)
 * @param failedCount samples left out because the task or the model failed on them
 * @param status {@link TaskStatus#NO_SCORE} when no sample could be scored; then {@code metrics} is
 *     empty ({@code null} in a file written before it existed reads as {@code SCORED})
 * @param warnings what the task noticed about its data (e.g. labels outside the classes)
 * @param protocol which protocol produced the scores: {@code reference} for the reference
 *     evaluation code's protocol, else the name of a recorded faster variant (e.g. {@code
 *     cached-features}); {@code null} when the task does not say (results written before it
 *     existed)
 * @param timing where the wall time went (decode, preprocess, model, metric) and samples per wall
 *     second; {@code null} in a file written before it existed
 * @param judge the name of the judge (an entry of {@code judges:}) the task consulted; {@code null}
 *     (and left out of the file) when it named none
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
    double samplesPerSecond,
    long skippedCount,
    long failedCount,
    TaskStatus status,
    List<String> warnings,
    @JsonInclude(JsonInclude.Include.NON_NULL) String protocol,
    @JsonInclude(JsonInclude.Include.NON_NULL) TaskTiming timing,
    @JsonInclude(JsonInclude.Include.NON_NULL) String judge) {

  public TaskResult {
    metrics = List.copyOf(metrics);
    categories = List.copyOf(categories);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
    status = status == null ? TaskStatus.SCORED : status;
    if (skippedCount == 0 && failedCount == 0 && errorCount > 0) {
      // written before skipped and failed samples were told apart
      skippedCount = errorCount;
    }
  }

  /** A result of a task that consulted no judge. */
  public TaskResult(
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
      double samplesPerSecond,
      long skippedCount,
      long failedCount,
      TaskStatus status,
      List<String> warnings,
      String protocol,
      TaskTiming timing) {
    this(
        task,
        type,
        version,
        model,
        dataset,
        headline,
        metrics,
        categories,
        sampleCount,
        errorCount,
        wallSeconds,
        samplesPerSecond,
        skippedCount,
        failedCount,
        status,
        warnings,
        protocol,
        timing,
        null);
  }

  /** A result without timing figures. */
  public TaskResult(
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
      double samplesPerSecond,
      long skippedCount,
      long failedCount,
      TaskStatus status,
      List<String> warnings,
      String protocol) {
    this(
        task,
        type,
        version,
        model,
        dataset,
        headline,
        metrics,
        categories,
        sampleCount,
        errorCount,
        wallSeconds,
        samplesPerSecond,
        skippedCount,
        failedCount,
        status,
        warnings,
        protocol,
        null);
  }

  /** A scored task whose left-out samples were all unreadable. */
  public TaskResult(
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
    this(
        task,
        type,
        version,
        model,
        dataset,
        headline,
        metrics,
        categories,
        sampleCount,
        errorCount,
        wallSeconds,
        samplesPerSecond,
        errorCount,
        0,
        TaskStatus.SCORED,
        List.of(),
        null,
        null);
  }

  /** Whether the task has scores ({@link TaskStatus#SCORED}). */
  public boolean scored() {
    return status == TaskStatus.SCORED;
  }

  /** Samples the dataset held: scored, skipped and failed. */
  public long seenCount() {
    return sampleCount + skippedCount + failedCount;
  }

  public MetricValue metric(String name) {
    return metrics.stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("no metric '" + name + "' in task " + task));
  }
}
