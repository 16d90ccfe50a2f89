package io.vleval.api.result;

import java.util.List;

/** The metrics of one category of samples (an MMBench category, an ADE20K class...). */
public record CategoryBreakdown(String category, long sampleCount, List<MetricValue> metrics) {
  public CategoryBreakdown {
    metrics = List.copyOf(metrics);
  }
}
