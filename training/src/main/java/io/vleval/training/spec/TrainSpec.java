package io.vleval.training.spec;

import io.vleval.api.config.DatasetEntry;
import io.vleval.api.spec.Doc;
import io.vleval.api.spec.Required;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A training config ({@code vleval train CONFIG}): run settings, the named datasets, and the stages
 * run in order, each naming the datasets it trains on ({@code data:}).
 *
 * @param train run settings
 * @param stages the stages, in order
 * @param datasets the {@code datasets:} section: named dataset entries, bound exactly as a run
 *     config's ({@link TrainConfigLoader} binds them; the YAML binder never sees this component),
 *     which the stages' data and evaluations name
 */
public record TrainSpec(
    @Doc("run settings: name, seed, out, threads") TrainSettings train,
    @Doc("the stages, run in order") @Required List<StageSpec> stages,
    @Doc("named datasets, as in a run config: name, type, on_error and the loader's keys")
        List<DatasetEntry> datasets) {

  /**
   * Defaults and cross-stage checks (unique names; {@code from} names an earlier stage; every
   * micro-batch can be split over the listed devices).
   */
  public TrainSpec {
    train = train == null ? new TrainSettings(null, null, null, null, null, null) : train;
    stages = List.copyOf(stages);
    datasets = datasets == null ? List.of() : List.copyOf(datasets);
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("'stages' is empty; list at least one stage");
    }
    List<String> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (StageSpec s : stages) {
      if (s.model().from() != null && !seen.contains(s.model().from())) {
        problems.add(
            "stage '"
                + s.name()
                + "' starts from '"
                + s.model().from()
                + "', which is not an earlier stage"
                + " (earlier: "
                + seen
                + ")");
      }
      if (!seen.add(s.name())) {
        problems.add("two stages are named '" + s.name() + "'");
      }
      int devices = train.device().equals("auto") ? 1 : train.device().split(",").length;
      if (s.batchSize() < devices) {
        problems.add(
            "stage '"
                + s.name()
                + "' has batch_size "
                + s.batchSize()
                + ", fewer samples than the "
                + devices
                + " devices of 'device' ("
                + train.device()
                + ") it is split over");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /**
   * A recipe without named datasets (its stages name none, so it can only be checked).
   *
   * @param train run settings
   * @param stages the stages, in order
   */
  public TrainSpec(TrainSettings train, List<StageSpec> stages) {
    this(train, stages, List.of());
  }

  /**
   * @param name a dataset entry's name
   * @return the entry
   * @throws IllegalArgumentException when none has that name
   */
  public DatasetEntry dataset(String name) {
    return datasets.stream()
        .filter(d -> d.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no dataset named '" + name + "'"));
  }
}
