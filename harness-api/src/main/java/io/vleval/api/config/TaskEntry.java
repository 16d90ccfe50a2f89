package io.vleval.api.config;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code tasks:}.
 *
 * @param dataset the name of the evaluation dataset
 * @param trainDataset the name of the training dataset, or {@code null}
 * @param models the model names to run on; every model when the key is absent
 * @param batchSize samples per model call
 * @param evalDatasets further evaluation datasets ({@code eval_datasets:}), each scored with what
 *     the task prepared once per model (a trained head) and reported as its own row, named by
 *     {@link #rowName}; empty for most tasks
 * @param judge the name of the entry of {@code judges:} the task consults ({@code judge:}), or
 *     {@code null}
 */
public record TaskEntry(
    String name,
    String type,
    String dataset,
    String trainDataset,
    List<String> models,
    int batchSize,
    Record spec,
    ConfigLocation location,
    List<String> evalDatasets,
    String judge) {

  public TaskEntry {
    models = List.copyOf(models);
    evalDatasets = evalDatasets == null ? List.of() : List.copyOf(evalDatasets);
  }

  /** An entry that consults no judge. */
  public TaskEntry(
      String name,
      String type,
      String dataset,
      String trainDataset,
      List<String> models,
      int batchSize,
      Record spec,
      ConfigLocation location,
      List<String> evalDatasets) {
    this(name, type, dataset, trainDataset, models, batchSize, spec, location, evalDatasets, null);
  }

  /** An entry evaluated on its {@code dataset} only. */
  public TaskEntry(
      String name,
      String type,
      String dataset,
      String trainDataset,
      List<String> models,
      int batchSize,
      Record spec,
      ConfigLocation location) {
    this(name, type, dataset, trainDataset, models, batchSize, spec, location, List.of());
  }

  /**
   * The name of the result row for one of {@link #evalDatasets}: {@code <task>@<dataset>} (the
   * {@code @} cannot occur in an entry's name, so a row never collides with a task).
   */
  public String rowName(String evalDataset) {
    return name + "@" + evalDataset;
  }

  /** Every result row this entry yields per model: its own name, then one per eval dataset. */
  public List<String> rowNames() {
    List<String> rows = new ArrayList<>();
    rows.add(name);
    evalDatasets.forEach(d -> rows.add(rowName(d)));
    return List.copyOf(rows);
  }
}
