package io.vleval.api.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Everything needed to tell whether two results are comparable and to reproduce them.
 *
 * @param judges the models of {@code judges:} the run consulted, as {@code models} records the
 *     evaluated ones; empty (and left out of the file) when none
 */
public record Provenance(
    String harnessVersion,
    String javaVersion,
    String os,
    long seed,
    List<ModelProvenance> models,
    List<DatasetProvenance> datasets,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ModelProvenance> judges) {

  public Provenance {
    models = List.copyOf(models);
    datasets = List.copyOf(datasets);
    judges = judges == null ? List.of() : List.copyOf(judges);
  }

  /** Provenance of a run without judges. */
  public Provenance(
      String harnessVersion,
      String javaVersion,
      String os,
      long seed,
      List<ModelProvenance> models,
      List<DatasetProvenance> datasets) {
    this(harnessVersion, javaVersion, os, seed, models, datasets, List.of());
  }
}
