package io.vleval.api.config;

import java.util.List;

/**
 * One entry of {@code tasks:}.
 *
 * @param dataset the name of the evaluation dataset
 * @param trainDataset the name of the training dataset, or {@code null}
 * @param models the model names to run on; every model when the key is absent
 * @param batchSize samples per model call
 */
public record TaskEntry(
    String name,
    String type,
    String dataset,
    String trainDataset,
    List<String> models,
    int batchSize,
    Record spec,
    ConfigLocation location) {

  public TaskEntry {
    models = List.copyOf(models);
  }
}
