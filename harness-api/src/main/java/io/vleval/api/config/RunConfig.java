package io.vleval.api.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A validated run configuration: every plugin type known, every reference resolved, every task
 * compatible with its dataset and models. Built by the harness from YAML; plugins see only their
 * own spec records.
 *
 * @param source the YAML file it came from
 * @param gates the {@code gates:} section; {@link GatesSpec#NONE} when absent
 * @param judges the {@code judges:} section: models tasks consult (named by a task's {@code
 *     judge:}), loaded once per run and never evaluated themselves; empty when absent
 */
public record RunConfig(
    Path source,
    RunSettings run,
    List<ModelEntry> models,
    List<DatasetEntry> datasets,
    List<TaskEntry> tasks,
    List<ReporterEntry> reporters,
    GatesSpec gates,
    List<ModelEntry> judges) {

  public RunConfig {
    gates = gates == null ? GatesSpec.NONE : gates;
    judges = judges == null ? List.of() : List.copyOf(judges);
    models = List.copyOf(models);
    datasets = List.copyOf(datasets);
    tasks = List.copyOf(tasks);
    reporters = List.copyOf(reporters);
  }

  /** A config without judges. */
  public RunConfig(
      Path source,
      RunSettings run,
      List<ModelEntry> models,
      List<DatasetEntry> datasets,
      List<TaskEntry> tasks,
      List<ReporterEntry> reporters,
      GatesSpec gates) {
    this(source, run, models, datasets, tasks, reporters, gates, List.of());
  }

  /** A config without gates. */
  public RunConfig(
      Path source,
      RunSettings run,
      List<ModelEntry> models,
      List<DatasetEntry> datasets,
      List<TaskEntry> tasks,
      List<ReporterEntry> reporters) {
    this(source, run, models, datasets, tasks, reporters, GatesSpec.NONE);
  }

  public ModelEntry model(String name) {
    return models.stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no model named " + name));
  }

  public ModelEntry judge(String name) {
    return judges.stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no judge named " + name));
  }

  public DatasetEntry dataset(String name) {
    return datasets.stream()
        .filter(d -> d.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no dataset named " + name));
  }
}
